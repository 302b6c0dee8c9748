"""The platform-keys migration backfills the new tables from existing rows (SQLite and
PostgreSQL): seeded demo data is taken back to the revision before it, changed there, and
migrated forward again."""

from __future__ import annotations

from alembic import command
from app.migrate import alembic_config
from tests.cli_databases import run
from tests.core.migration_helpers import query, scratch_postgres, tables

__all__ = ["scratch_postgres"]  # a fixture

BEFORE = "1cb8968d72ea"  # the revision before the platform keys

PLATFORM = {
    "open_associations": "SELECT cloud_account_id, partner_id, customer_id FROM open_associations",
    "invitation_tokens": "SELECT token_hash, partner_id, invitation_id FROM invitation_tokens",
    "payment_references": (
        "SELECT channel, payment_reference, partner_id, recharge_id FROM payment_references"
    ),
}
# The rows that hold each rule, read from the tenant tables.
HOLDERS = {
    "open_associations": (
        "SELECT cloud_account_id, partner_id, id FROM customers WHERE ended_at IS NULL"
    ),
    "invitation_tokens": "SELECT token_hash, partner_id, id FROM invitations",
    "payment_references": (
        "SELECT channel, payment_reference, partner_id, id FROM recharges "
        "WHERE payment_reference IS NOT NULL"
    ),
}


def check_backfill(url: str) -> None:
    # given seeded data, with each rule held by some rows
    holders = dict(zip(HOLDERS, query(url, *HOLDERS.values()), strict=True))
    assert all(holders.values()), holders
    assert dict(zip(PLATFORM, query(url, *PLATFORM.values()), strict=True)) == holders

    # when the database goes back before the platform keys and rows change there
    command.downgrade(alembic_config(url), BEFORE)
    assert not set(PLATFORM) & tables(url)
    query(
        url,
        "UPDATE customers SET ended_at = associated_at "
        "WHERE id = (SELECT MIN(id) FROM customers WHERE ended_at IS NULL)",
    )
    command.upgrade(alembic_config(url), "head")

    # then the new tables hold exactly the rows that hold each rule
    holders = dict(zip(HOLDERS, query(url, *HOLDERS.values()), strict=True))
    assert dict(zip(PLATFORM, query(url, *PLATFORM.values()), strict=True)) == holders


def test_backfill_on_sqlite(seeded_cli_database):
    check_backfill(seeded_cli_database.url)


def test_backfill_on_postgresql(scratch_postgres):
    run("migrate")
    run("seed-demo")
    check_backfill(scratch_postgres)
