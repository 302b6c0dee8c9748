"""invoices: the partner's invoice profiles (发票抬头).

Revision ID: b5e1c7a94d20
Revises: 3cf79563dd15
Create Date: 2026-12-03 20:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import app.models.core.types
from alembic import op

revision: str = "b5e1c7a94d20"
down_revision: str | Sequence[str] | None = "3cf79563dd15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("invoice_profiles",)


def _serial() -> bool:
    """A tenant id is the column's own sequence on PostgreSQL (BIGSERIAL beside the composite
    key); SQLite takes it from id_sequences (app.models.core.ids)."""
    return op.get_bind().dialect.name != "sqlite"


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "invoice_profiles",
        sa.Column("partner_id", _id(), nullable=False),
        sa.Column("id", _id(), autoincrement=_serial(), nullable=False),
        sa.Column(
            "title_type",
            sa.Enum("ENTERPRISE", "INDIVIDUAL", name="invoicetitletype", native_enum=False),
            nullable=False,
        ),
        sa.Column(
            "invoice_type",
            sa.Enum("VAT_GENERAL", "VAT_SPECIAL", name="invoicetype", native_enum=False),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("tax_id", sa.String(length=18), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", _id(), nullable=True),
        sa.Column("created_at", app.models.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.models.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id", "created_by_user_id"],
            ["partner_users.partner_id", "partner_users.id"],
            name="fk_invoice_profiles_created_by_user_id",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_invoice_profiles_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "id", name=op.f("pk_invoice_profiles")),
    )
    with op.batch_alter_table("invoice_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_profiles_partner_created", ["partner_id", "created_at", "id"], unique=False
        )
    if op.get_bind().dialect.name == "sqlite":
        for table in NEW_TABLES:
            op.execute(f"INSERT INTO id_sequences (table_name, last_id) VALUES ('{table}', 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in NEW_TABLES:
            op.execute(f"DELETE FROM id_sequences WHERE table_name = '{table}'")
    with op.batch_alter_table("invoice_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_profiles_partner_created")
    op.drop_table("invoice_profiles")
