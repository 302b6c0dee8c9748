"""Coupons: the coupons domain of this layer."""
