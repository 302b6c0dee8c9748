"""Partners: the partners domain of this layer."""
