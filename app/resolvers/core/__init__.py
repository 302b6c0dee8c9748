"""Core: the core domain of this layer."""
