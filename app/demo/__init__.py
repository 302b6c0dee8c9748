"""Demo data for `make run`: a partner, customers, orders and usage, made through the services."""
