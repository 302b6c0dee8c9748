"""Coupons (折扣与优惠券, 券管理, 提货券管理): quotas, coupons, their usages, pickup vouchers."""
