"""Lifecycle: the lifecycle domain of this layer."""
