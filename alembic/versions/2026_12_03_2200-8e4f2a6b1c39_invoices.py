"""invoices: invoice requests, issued invoices and returns (退票), with their cycle lines.

Revision ID: 8e4f2a6b1c39
Revises: 5a1c0d7e9f21
Create Date: 2026-12-03 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import app.models.core.types
from alembic import op

revision: str = "8e4f2a6b1c39"
down_revision: str | Sequence[str] | None = "5a1c0d7e9f21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("invoices", "invoice_lines")
STATUSES = ("REQUESTED", "ISSUED", "REJECTED", "CANCELLED", "RETURN_REQUESTED", "RETURNED")


def _serial() -> bool:
    """A tenant id is the column's own sequence on PostgreSQL (BIGSERIAL beside the composite
    key); SQLite takes it from id_sequences (app.models.core.ids)."""
    return op.get_bind().dialect.name != "sqlite"


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _money() -> sa.types.TypeEngine:
    return app.models.core.types.Money(2)


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, app.models.core.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("partner_id", _id(), nullable=False),
        sa.Column("id", _id(), autoincrement=_serial(), nullable=False),
        sa.Column("profile_id", _id(), nullable=False),
        sa.Column(
            "status", sa.Enum(*STATUSES, name="invoicestatus", native_enum=False), nullable=False
        ),
        sa.Column(
            "invoice_type",
            sa.Enum("VAT_GENERAL", "VAT_SPECIAL", name="invoicetype", native_enum=False),
            nullable=False,
        ),
        sa.Column(
            "title_type",
            sa.Enum("ENTERPRISE", "INDIVIDUAL", name="invoicetitletype", native_enum=False),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("tax_id", sa.String(length=18), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("item", sa.String(length=20), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("requested_by_user_id", _id(), nullable=True),
        _time("requested_at", nullable=False),
        sa.Column("invoice_number", sa.String(length=20), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        _time("issued_at"),
        sa.Column("reject_reason", sa.Text(), nullable=False),
        _time("rejected_at"),
        _time("cancelled_at"),
        sa.Column("return_reason", sa.Text(), nullable=False),
        _time("return_requested_at"),
        sa.Column("return_refusal_reason", sa.Text(), nullable=False),
        _time("returned_at"),
        _time("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id", "profile_id"],
            ["invoice_profiles.partner_id", "invoice_profiles.id"],
            name="fk_invoices_profile_id",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id", "requested_by_user_id"],
            ["partner_users.partner_id", "partner_users.id"],
            name="fk_invoices_requested_by_user_id",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_invoices_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("partner_id", "invoice_number", name="uq_invoices_partner_number"),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_partner_requested", ["partner_id", "requested_at", "id"], unique=False
        )
        batch_op.create_index("ix_invoices_partner_status", ["partner_id", "status"], unique=False)
    op.create_table(
        "invoice_lines",
        sa.Column("partner_id", _id(), nullable=False),
        sa.Column("id", _id(), autoincrement=_serial(), nullable=False),
        sa.Column("invoice_id", _id(), nullable=False),
        sa.Column("bill_cycle", sa.String(length=7), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id", "invoice_id"],
            ["invoices.partner_id", "invoices.id"],
            name="fk_invoice_lines_invoice_id",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_invoice_lines_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_lines_partner_invoice", ["partner_id", "invoice_id"], unique=False
        )
        batch_op.create_index(
            "ix_invoice_lines_partner_cycle", ["partner_id", "bill_cycle"], unique=False
        )
    if op.get_bind().dialect.name == "sqlite":
        for table in NEW_TABLES:
            op.execute(f"INSERT INTO id_sequences (table_name, last_id) VALUES ('{table}', 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in NEW_TABLES:
            op.execute(f"DELETE FROM id_sequences WHERE table_name = '{table}'")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_partner_cycle")
        batch_op.drop_index("ix_invoice_lines_partner_invoice")
    op.drop_table("invoice_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_partner_status")
        batch_op.drop_index("ix_invoices_partner_requested")
    op.drop_table("invoices")
