"""Funds: the funds domain of this layer."""
