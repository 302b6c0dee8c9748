"""tenant keys: every tenant table's primary key starts with partner_id, and the foreign keys
between tenant tables include it (co-located); ids stay unique per table (PostgreSQL keeps each
column's sequence; SQLite takes them from the new id_sequences table, seeded here); api_tokens
no longer references partner_users (a platform table can't reference a distributed one)

Revision ID: 7d2e9b41c5a8
Revises: bd6db7f255b6
Create Date: 2026-12-03 15:30:00
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa

from alembic import op

revision: str = "7d2e9b41c5a8"
down_revision: str | Sequence[str] | None = "bd6db7f255b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as they are at this revision (a later model change must not alter this step).
SEQUENCED = [
    "partner_users", "customers", "resources", "registrations", "invitations", "authorizations",
    "association_change_requests", "disassociation_requests", "partner_notifications",
    "ledger_transactions", "ledger_entries", "recharges", "withdrawals", "customer_withdrawals",
    "adjustments", "orders", "order_lines", "order_payments", "order_refunds", "usage_records",
    "consumption_details", "consumption_charges", "consumption_rollups",
    "consumption_day_rollups", "bandwidth_samples", "percentile_bills", "percentile_corrections",
]  # fmt: skip
OTHER_KEYS = {
    "customer_accounts": (["customer_id"], ["partner_id", "customer_id"]),
    "withdrawal_sources": (
        ["withdrawal_id", "recharge_id"],
        ["partner_id", "withdrawal_id", "recharge_id"],
    ),
}
CO_LOCATED = [
    ("customers", "account_manager_id", "partner_users"),
    ("adjustments", "created_by_user_id", "partner_users"),
    ("adjustments", "transaction_id", "ledger_transactions"),
    ("adjustments", "customer_id", "customers"),
    ("association_change_requests", "requested_by_id", "partner_users"),
    ("association_change_requests", "customer_id", "customers"),
    ("authorizations", "customer_id", "customers"),
    ("authorizations", "requested_by_id", "partner_users"),
    ("consumption_charges", "customer_id", "customers"),
    ("consumption_rollups", "customer_id", "customers"),
    ("customer_accounts", "customer_id", "customers"),
    ("customer_withdrawals", "customer_id", "customers"),
    ("disassociation_requests", "customer_id", "customers"),
    ("disassociation_requests", "answered_by_id", "partner_users"),
    ("ledger_entries", "transaction_id", "ledger_transactions"),
    ("ledger_entries", "customer_id", "customers"),
    ("orders", "customer_id", "customers"),
    ("orders", "created_by_user_id", "partner_users"),
    ("partner_notifications", "customer_id", "customers"),
    ("recharges", "created_by_user_id", "partner_users"),
    ("recharges", "customer_id", "customers"),
    ("recharges", "transaction_id", "ledger_transactions"),
    ("registrations", "associated_customer_id", "customers"),
    ("registrations", "submitted_by_id", "partner_users"),
    ("resources", "customer_id", "customers"),
    ("bandwidth_samples", "customer_id", "customers"),
    ("bandwidth_samples", "resource_id", "resources"),
    ("consumption_details", "customer_id", "customers"),
    ("consumption_details", "resource_id", "resources"),
    ("invitations", "registration_id", "registrations"),
    ("invitations", "accepted_customer_id", "customers"),
    ("invitations", "created_by_id", "partner_users"),
    ("order_lines", "resource_id", "resources"),
    ("order_lines", "order_id", "orders"),
    ("order_lines", "customer_id", "customers"),
    ("order_payments", "transaction_id", "ledger_transactions"),
    ("order_payments", "order_id", "orders"),
    ("order_payments", "customer_id", "customers"),
    ("order_payments", "paid_by_user_id", "partner_users"),
    ("order_refunds", "resource_id", "resources"),
    ("order_refunds", "order_id", "orders"),
    ("order_refunds", "refunded_order_id", "orders"),
    ("order_refunds", "customer_id", "customers"),
    ("order_refunds", "transaction_id", "ledger_transactions"),
    ("partner_notification_reads", "user_id", "partner_users"),
    ("partner_notification_reads", "notification_id", "partner_notifications"),
    ("percentile_bills", "resource_id", "resources"),
    ("percentile_bills", "customer_id", "customers"),
    ("percentile_corrections", "resource_id", "resources"),
    ("percentile_corrections", "customer_id", "customers"),
    ("usage_records", "customer_id", "customers"),
    ("usage_records", "resource_id", "resources"),
    ("withdrawals", "recharge_id", "recharges"),
    ("withdrawals", "created_by_user_id", "partner_users"),
    ("withdrawal_sources", "recharge_id", "recharges"),
    ("withdrawal_sources", "withdrawal_id", "withdrawals"),
]
ALL = sorted(set(SEQUENCED) | set(OTHER_KEYS) | {t for t, _, _ in CO_LOCATED})


def _keys(table: str) -> tuple[list[str], list[str]]:
    """The primary key before and after."""
    if table in OTHER_KEYS:
        return OTHER_KEYS[table]
    return ["id"], ["partner_id", "id"]


def _old_fk(table: str, column: str, referred: str) -> str:
    """The name the old single-column key has in this database (read, not guessed: PostgreSQL
    cuts names at 63 bytes and SQLAlchemy then ends them with a hash)."""
    for fk in sa.inspect(op.get_bind()).get_foreign_keys(table):
        if fk["constrained_columns"] == [column] and fk["referred_table"] == referred:
            return fk["name"]
    raise LookupError(f"no foreign key {table}.{column} -> {referred}")


def _old_fk_name(table: str, column: str, referred: str) -> str:
    """The name to give it back on downgrade: the naming convention's."""
    return op.f(f"fk_{table}_{column}_{referred}")


def _new_fk(table: str, column: str) -> str:
    return f"fk_{table}_{column}"


def _check_partners_agree() -> None:
    """A row must point at rows of its own partner before the key can say so: name the first
    row that doesn't, rather than fail on an anonymous constraint."""
    bind = op.get_bind()
    for table, column, referred in CO_LOCATED:
        row = bind.execute(
            sa.text(
                f"SELECT t.{column} FROM {table} t JOIN {referred} r ON r.id = t.{column} "
                "WHERE r.partner_id <> t.partner_id LIMIT 1"
            )
        ).first()
        if row is not None:
            raise RuntimeError(
                f"{table}.{column} = {row[0]} points at a {referred} row of another partner; "
                "correct it before migrating"
            )


def _create_id_sequences() -> None:
    op.create_table(
        "id_sequences",
        sa.Column("table_name", sa.String(length=63), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_id_sequences")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in SEQUENCED:
            op.execute(
                f"INSERT INTO id_sequences (table_name, last_id) "
                f"SELECT '{table}', coalesce(max(id), 0) FROM {table}"
            )


def upgrade() -> None:
    _check_partners_agree()
    _create_id_sequences()
    if op.get_bind().dialect.name == "sqlite":
        with _rebuilding():
            _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def _upgrade_postgresql() -> None:
    # Foreign keys first (they hold on the old keys), then the keys, then the new foreign keys.
    op.drop_constraint(
        "fk_api_tokens_partner_user_id_partner_users", "api_tokens", type_="foreignkey"
    )
    for table, column, referred in CO_LOCATED:
        op.drop_constraint(_old_fk(table, column, referred), table, type_="foreignkey")
    for table in ALL:
        _, new = _keys(table)
        if table == "partner_notification_reads":
            continue
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, new)
    for table, column, referred in CO_LOCATED:
        op.create_foreign_key(
            _new_fk(table, column), table, referred, ["partner_id", column], ["partner_id", "id"]
        )


def _upgrade_sqlite() -> None:
    # SQLite alters a table by copying it: each table is rebuilt once with all its changes
    # (foreign keys are off while migrating, and checked afterwards: alembic/env.py).
    with op.batch_alter_table("api_tokens", recreate="always") as batch:
        batch.drop_constraint("fk_api_tokens_partner_user_id_partner_users", type_="foreignkey")
    for table in ALL:
        with op.batch_alter_table(table, recreate="always") as batch:
            for t, column, referred in CO_LOCATED:
                if t == table:
                    batch.drop_constraint(_old_fk(t, column, referred), type_="foreignkey")
            if table != "partner_notification_reads":
                batch.create_primary_key(f"pk_{table}", _keys(table)[1])
            for t, column, referred in CO_LOCATED:
                if t == table:
                    batch.create_foreign_key(
                        _new_fk(t, column), referred, ["partner_id", column], ["partner_id", "id"]
                    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with _rebuilding():
            _downgrade_sqlite()
    else:
        _downgrade_postgresql()
    op.drop_table("id_sequences")


@contextmanager
def _rebuilding() -> Iterator[None]:
    with warnings.catch_warnings():
        # A rebuilt table's reflected columns still carry the old key; the new one wins.
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_", sa.exc.SAWarning)
        yield


def _downgrade_sqlite() -> None:
    for table in ALL:
        with op.batch_alter_table(table, recreate="always") as batch:
            for t, column, _ in CO_LOCATED:
                if t == table:
                    batch.drop_constraint(_new_fk(t, column), type_="foreignkey")
            if table != "partner_notification_reads":
                batch.create_primary_key(f"pk_{table}", _keys(table)[0])
            for t, column, referred in CO_LOCATED:
                if t == table:
                    batch.create_foreign_key(
                        _old_fk_name(t, column, referred), referred, [column], ["id"]
                    )
    with op.batch_alter_table("api_tokens", recreate="always") as batch:
        batch.create_foreign_key(
            "fk_api_tokens_partner_user_id_partner_users",
            "partner_users",
            ["partner_user_id"],
            ["id"],
        )


def _downgrade_postgresql() -> None:
    for table, column, _ in CO_LOCATED:
        op.drop_constraint(_new_fk(table, column), table, type_="foreignkey")
    for table in ALL:
        if table == "partner_notification_reads":
            continue
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, _keys(table)[0])
    for table, column, referred in CO_LOCATED:
        op.create_foreign_key(
            _old_fk_name(table, column, referred), table, referred, [column], ["id"]
        )
    op.create_foreign_key(
        "fk_api_tokens_partner_user_id_partner_users",
        "api_tokens",
        "partner_users",
        ["partner_user_id"],
        ["id"],
    )
