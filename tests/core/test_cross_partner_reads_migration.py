"""The cross-partner-reads migration backfills `registration_claims` and
`account_associations` from existing rows (SQLite and PostgreSQL): seeded demo data is taken
back to the revision before it, changed there, and migrated forward again."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from alembic import command
from app.migrate import alembic_config
from tests.cli_databases import run
from tests.core.test_platform_keys_migration import (  # noqa: F401 (scratch_postgres: a fixture)
    query,
    scratch_postgres,
    tables,
)

REVISION = "bd6db7f255b6"  # this migration; the one before it, wherever it is chained
BEFORE = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision

PLATFORM = {
    "registration_claims": (
        "SELECT partner_id, registration_id, normalized_name, credit_code, status, expires_at "
        "FROM registration_claims"
    ),
    "account_associations": (
        "SELECT partner_id, customer_id, cloud_account_id FROM account_associations"
    ),
}
# What each holds, read from the tenant tables.
HOLDERS = {
    "registration_claims": (
        "SELECT partner_id, id, normalized_name, credit_code, status, expires_at "
        "FROM registrations WHERE status IN ('PENDING_REVIEW', 'APPROVED')"
    ),
    "account_associations": "SELECT partner_id, id, cloud_account_id FROM customers",
}
CHANGES = (
    # a pending registration withdrawn, an approved one associated, a rejected one re-opened
    "UPDATE registrations SET status = 'WITHDRAWN' "
    "WHERE id = (SELECT MIN(id) FROM registrations WHERE status = 'PENDING_REVIEW')",
    "UPDATE registrations SET status = 'ASSOCIATED' "
    "WHERE id = (SELECT MIN(id) FROM registrations WHERE status = 'APPROVED')",
    "UPDATE registrations SET status = 'PENDING_REVIEW' "
    "WHERE id = (SELECT MIN(id) FROM registrations WHERE status = 'REJECTED')",
    # an association ended (it stays listed)
    "UPDATE customers SET ended_at = associated_at "
    "WHERE id = (SELECT MIN(id) FROM customers WHERE ended_at IS NULL)",
)


def read(url: str, statements: dict[str, str]) -> dict[str, set[tuple]]:
    return dict(zip(statements, query(url, *statements.values()), strict=True))


def check_backfill(url: str) -> None:
    # given seeded data with rows to copy, which the flush kept in step while seeding
    holders = read(url, HOLDERS)
    assert all(holders.values()), holders
    statuses = {row[4] for row in holders["registration_claims"]}
    assert statuses == {"PENDING_REVIEW", "APPROVED"}, statuses
    assert read(url, PLATFORM) == holders

    # when the database goes back before this migration and rows change there
    command.downgrade(alembic_config(url), BEFORE)
    assert not set(PLATFORM) & tables(url)
    query(url, *CHANGES)
    command.upgrade(alembic_config(url), "head")

    # then the new tables hold exactly what the tenant rows say
    after = read(url, HOLDERS)
    assert after != holders
    assert read(url, PLATFORM) == after


def test_backfill_on_sqlite(seeded_cli_database):
    check_backfill(seeded_cli_database.url)


def test_backfill_on_postgresql(scratch_postgres):  # noqa: F811
    run("migrate")
    run("seed-demo")
    check_backfill(scratch_postgres)
