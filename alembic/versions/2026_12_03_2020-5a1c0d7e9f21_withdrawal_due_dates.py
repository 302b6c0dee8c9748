"""withdrawal due dates: due_date and overdue_flagged_at on both withdrawal tables

Revision ID: 5a1c0d7e9f21
Revises: b5e1c7a94d20
Create Date: 2026-12-03 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.core.types

revision: str = "5a1c0d7e9f21"
down_revision: str | None = "b5e1c7a94d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("withdrawals", "customer_withdrawals")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
            batch.add_column(
                sa.Column(
                    "overdue_flagged_at", app.models.core.types.UTCDateTime(), nullable=True
                )
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("overdue_flagged_at")
            batch.drop_column("due_date")
