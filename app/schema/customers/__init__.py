"""Customers: the customers domain of this layer."""
