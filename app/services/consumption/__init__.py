"""Consumption: the consumption domain of this layer."""
