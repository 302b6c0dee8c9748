"""idempotency keys per tenant

Keys belonged to a principal (`user:<id>`, `cloud-account:<id>`, `platform:<token id>`); they
now belong to the tenant (`partner:<id>`, `customer:<cloud account id>`, `platform`). The
column is renamed `scope` and stored keys are carried over, so a retry in flight across the
upgrade still replays; where two users of one partner used the same key, the oldest outcome
is kept (the one a replay would have matched first).

Revision ID: 5c1e7a0b9d42
Revises: 44c316fdeb4f
Create Date: 2026-12-03 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5c1e7a0b9d42'
down_revision: str | Sequence[str] | None = '44c316fdeb4f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

keys = sa.table(
    'idempotency_keys',
    sa.column('id', sa.Integer),
    sa.column('scope', sa.String),
    sa.column('key', sa.String),
)
users = sa.table('partner_users', sa.column('id', sa.Integer), sa.column('partner_id', sa.Integer))


def _tenant_scope(old: str, partner_of: dict[int, int]) -> str | None:
    kind, _, ident = old.partition(':')
    if kind == 'user' and ident.isdigit() and int(ident) in partner_of:
        return f'partner:{partner_of[int(ident)]}'
    if kind == 'cloud-account':
        return f'customer:{ident}'
    if kind == 'platform':
        return 'platform'
    return None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_idempotency_keys_principal_key', type_='unique')
        batch_op.alter_column('principal', new_column_name='scope', existing_type=sa.String(64), existing_nullable=False)

    bind = op.get_bind()
    partner_of = {row.id: row.partner_id for row in bind.execute(sa.select(users.c.id, users.c.partner_id))}
    kept: set[tuple[str, str]] = set()
    for row in bind.execute(sa.select(keys.c.id, keys.c.scope, keys.c.key).order_by(keys.c.id)).all():
        scope = _tenant_scope(row.scope, partner_of)
        if scope is None or (scope, row.key) in kept:
            bind.execute(sa.delete(keys).where(keys.c.id == row.id))
            continue
        kept.add((scope, row.key))
        if scope != row.scope:
            bind.execute(sa.update(keys).where(keys.c.id == row.id).values(scope=scope))

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_idempotency_keys_scope_key'), ['scope', 'key'])


def downgrade() -> None:
    # A tenant's key cannot be given back to the user who made it: stored outcomes are
    # forgotten (they live for a day anyway).
    op.execute(sa.delete(keys))
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_idempotency_keys_scope_key', type_='unique')
        batch_op.alter_column('scope', new_column_name='principal', existing_type=sa.String(64), existing_nullable=False)
        batch_op.create_unique_constraint('uq_idempotency_keys_principal_key', ['principal', 'key'])
