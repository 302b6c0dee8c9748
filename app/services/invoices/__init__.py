"""Invoices: the partner's invoice profiles (titles) (DOMAIN.md > Invoices)."""
