"""Invoices (开具发票): the partner's invoice profiles (titles, 发票抬头)."""
