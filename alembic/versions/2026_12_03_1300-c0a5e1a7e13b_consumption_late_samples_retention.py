"""consumption: late bandwidth samples as corrections, retention purge by detail

Revision ID: c0a5e1a7e13b
Revises: d0a3938cfc21
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.core.types

revision: str = "c0a5e1a7e13b"
down_revision: str | Sequence[str] | None = "d0a3938cfc21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("bill_cycles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "details_purged_at",
                app.models.core.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    with op.batch_alter_table("bandwidth_samples", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_cycle", sa.String(length=7), nullable=True))
    with op.batch_alter_table("consumption_details", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_samples", sa.Integer(), nullable=True))
    # The retention purge removes a purged detail's usage records by detail id.
    op.create_index(
        "ix_usage_records_partner_detail", "usage_records", ["partner_id", "detail_id"]
    )
    op.create_table(
        "percentile_corrections",
        sa.Column("id", ID, nullable=False),
        sa.Column("partner_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("resource_id", ID, nullable=False),
        sa.Column("bill_cycle", sa.String(length=7), nullable=False),
        sa.Column("corrects_cycle", sa.String(length=7), nullable=False),
        sa.Column("detail_id", ID, nullable=False),
        sa.Column("samples_added", sa.Integer(), nullable=False),
        sa.Column("sample_count", sa.Integer(), nullable=False),
        sa.Column("discarded_count", sa.Integer(), nullable=False),
        sa.Column("billable_mbps", app.models.core.types.Money(scale=8), nullable=False),
        sa.Column(
            "billable_sampled_at", app.models.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("days_with_traffic", sa.Integer(), nullable=False),
        sa.Column("days_in_month", sa.Integer(), nullable=False),
        sa.Column("unit_price", app.models.core.types.Money(scale=8), nullable=False),
        sa.Column("recomputed_amount", app.models.core.types.Money(scale=8), nullable=False),
        sa.Column("amount", app.models.core.types.Money(scale=8), nullable=False),
        sa.Column("created_at", app.models.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_percentile_corrections_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_percentile_corrections_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_percentile_corrections_resource_id_resources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_percentile_corrections")),
    )
    op.create_index(
        "ix_percentile_corrections_partner_resource",
        "percentile_corrections",
        ["partner_id", "resource_id", "corrects_cycle"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_percentile_corrections_partner_resource", table_name="percentile_corrections"
    )
    op.drop_table("percentile_corrections")
    op.drop_index("ix_usage_records_partner_detail", table_name="usage_records")
    with op.batch_alter_table("consumption_details", schema=None) as batch_op:
        batch_op.drop_column("corrects_samples")
    with op.batch_alter_table("bandwidth_samples", schema=None) as batch_op:
        batch_op.drop_column("corrects_cycle")
    with op.batch_alter_table("bill_cycles", schema=None) as batch_op:
        batch_op.drop_column("details_purged_at")
