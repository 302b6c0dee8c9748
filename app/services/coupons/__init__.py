"""Coupons: quotas, issuing and reclaiming coupons, their use on orders and daily charges,
pickup vouchers (DOMAIN.md > Coupons)."""
