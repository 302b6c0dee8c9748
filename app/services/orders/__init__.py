"""Orders: the orders domain of this layer."""
