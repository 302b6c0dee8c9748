"""Where every table goes when the database is distributed by partner (Citus).

Three kinds (docs/operations.md, "Sharding"):

- TENANT: one partner's data, distributed by `partner_id` and co-located with every other
  tenant table, so a partner's transaction stays on one node. Each has a non-null `partner_id`,
  and each of its unique rules includes `partner_id` (a distributed table can't enforce one
  that doesn't).
- REFERENCE: the vendor's shared data that tenant rows refer to, replicated to every node so
  tenant tables keep their foreign keys to it and join it locally. Small or rarely written.
- PLATFORM: cross-partner tables that stay on the coordinator: the homes of rules that span
  partners (`app.models.core.platform_keys`), what is looked up before the partner is known,
  and the platform's own bookkeeping.

`TABLES` names each table once with the reason; `tests/core/test_distribution.py` fails on a
table left out, a TENANT table without `partner_id`, and a TENANT unique rule without it.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData


class Placement:
    """The three places (plain strings: nothing the API exposes)."""

    TENANT: Final = "TENANT"
    REFERENCE: Final = "REFERENCE"
    PLATFORM: Final = "PLATFORM"
    ALL: Final = (TENANT, REFERENCE, PLATFORM)


T, R, P = Placement.TENANT, Placement.REFERENCE, Placement.PLATFORM

# table: (placement, why)
TABLES: dict[str, tuple[str, str]] = {
    # REFERENCE: the vendor's shared data
    "partners": (R, "every tenant table refers to its partner; few rows, rarely written"),
    "cloud_accounts": (R, "the vendor-wide identity that customers (tenant) refer to"),
    "products": (R, "the vendor's catalog and list prices, read by orders and rating"),
    "bill_cycles": (R, "platform-wide closed cycles, read with every partner's bills"),
    # PLATFORM: rules across partners, lookups before the partner is known, bookkeeping
    "open_associations": (P, "one open association per cloud account, whatever partner"),
    "invitation_tokens": (P, "a token's invitation, looked up before the partner is known"),
    "payment_references": (P, "a payment reference confirms one recharge, whatever partner"),
    "registration_claims": (
        P,
        "the registrations that hold a company, read by the conflict check across partners",
    ),
    "account_associations": (
        P,
        "a cloud account's associations with every partner, read when its token is checked",
    ),
    "api_tokens": (
        P,
        "authenticates every request before the partner is known; CUSTOMER and PLATFORM "
        "tokens have no partner",
    ),
    "reserved_companies": (P, "companies the vendor keeps for itself: no partner owns them"),
    "idempotency_keys": (P, "scoped by principal (partner, cloud account or platform)"),
    "id_sequences": (P, "SQLite's per-table id sequences (PostgreSQL uses the columns' own)"),
    "job_runs": (P, "the job registry's bookkeeping: no partner"),
    "audit_events": (
        P,
        "platform events have no partner, and the platform reads the log across partners",
    ),
    "notifications": (P, "the outbox the platform's sender drains across partners"),
    # TENANT: one partner's data, distributed by partner_id and co-located
    "partner_users": (T, "a partner's users"),
    "partner_accounts": (T, "a partner's account balances"),
    "partner_notifications": (T, "a partner's console notifications"),
    "partner_notification_reads": (T, "a partner's users' read state"),
    "customers": (T, "a cloud account's association with one partner"),
    "resources": (T, "the resources of a partner's customers"),
    "registrations": (T, "a partner's customer registrations"),
    "invitations": (T, "a partner's invitations"),
    "authorizations": (T, "a partner's authorizations by its customers"),
    "association_change_requests": (T, "changes of a partner's associations"),
    "disassociation_requests": (T, "a partner's customers leaving it"),
    "customer_accounts": (T, "a partner's customers' balances"),
    "ledger_transactions": (T, "a partner's ledger"),
    "ledger_entries": (T, "a partner's ledger postings"),
    "recharges": (T, "money entering a partner's (or its customer's) account"),
    "withdrawals": (T, "a partner's withdrawals"),
    "withdrawal_sources": (T, "which recharges a partner's withdrawal draws on"),
    "customer_withdrawals": (T, "a partner's customers' withdrawals"),
    "adjustments": (T, "a partner's adjustments"),
    "orders": (T, "a partner's orders"),
    "order_lines": (T, "a partner's order lines"),
    "order_payments": (T, "payments of a partner's orders"),
    "order_refunds": (T, "refunds of a partner's orders"),
    "usage_records": (T, "usage of a partner's customers' resources"),
    "consumption_details": (T, "a partner's rated consumption"),
    "consumption_charges": (T, "a partner's daily charges"),
    "consumption_rollups": (T, "a partner's consumption totals"),
    "consumption_day_rollups": (T, "a partner's daily consumption totals"),
    "bandwidth_samples": (T, "samples of a partner's bandwidth resources"),
    "percentile_bills": (T, "a partner's 95th-percentile bills"),
    "percentile_corrections": (T, "corrections of a partner's percentile bills"),
    "coupon_quotas": (T, "the coupon quotas granted to a partner"),
    "coupon_quota_records": (T, "the history of a partner's coupon quotas"),
    "coupons": (T, "the coupons a partner issued to its customers"),
    "coupon_usages": (T, "what a partner's coupons paid"),
    "order_coupons": (T, "the coupons' shares of a partner's order lines"),
    "pickup_vouchers": (T, "a partner's customers' pickup vouchers"),
    "invoice_profiles": (T, "a partner's invoice titles"),
    "invoices": (T, "a partner's invoice requests and issued invoices"),
    "invoice_lines": (T, "the bill cycles each of a partner's invoices covers"),
}

DISTRIBUTION_COLUMN = "partner_id"
# The first tenant table placed (it refers to reference tables only); the others join its group.
COLOCATION_ANCHOR = "partner_users"


def placement(table: str) -> str:
    return TABLES[table][0]


def tables_of(kind: str, metadata: MetaData) -> list[str]:
    """The tables of one kind, parents before children (foreign-key order)."""
    return [t.name for t in metadata.sorted_tables if TABLES.get(t.name, (None,))[0] == kind]


def citus_statements(metadata: MetaData) -> list[str]:
    """The calls that place today's tables on a Citus cluster (reference tables first, then
    the tenant tables, each co-located with the first); PLATFORM tables need no call."""
    reference = tables_of(Placement.REFERENCE, metadata)
    tenant = tables_of(Placement.TENANT, metadata)
    tenant.remove(COLOCATION_ANCHOR)
    calls = [f"SELECT create_reference_table('{name}');" for name in reference]
    calls.append(
        f"SELECT create_distributed_table('{COLOCATION_ANCHOR}', '{DISTRIBUTION_COLUMN}', "
        "colocate_with => 'none');"
    )
    calls += [
        f"SELECT create_distributed_table('{name}', '{DISTRIBUTION_COLUMN}', "
        f"colocate_with => '{COLOCATION_ANCHOR}');"
        for name in tenant
    ]
    return calls
