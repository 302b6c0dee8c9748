"""Invoices: the invoices domain of this layer."""
