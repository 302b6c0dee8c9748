"""The customer principal (a cloud account) and the associations it sees.

A cloud account sees its own customer rows with every partner, ended ones included, and what
hangs off them. They are read once, when its token is checked, from the platform side
(`AccountAssociation`), so scoping names them as literal (`partner_id`, `customer_id`) pairs
and never reads every partner's customers.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AccountAssociation
from app.models.partners.enums import PrincipalKind
from app.services.core.principal import Principal


async def associations_of(
    session: AsyncSession, cloud_account_id: int | None
) -> tuple[tuple[int, int], ...]:
    """Every (`partner_id`, `customer_id`) of a cloud account's customer rows, oldest first."""
    if cloud_account_id is None:
        return ()
    rows = await session.execute(
        select(AccountAssociation.partner_id, AccountAssociation.customer_id)
        .where(AccountAssociation.cloud_account_id == cloud_account_id)
        .order_by(AccountAssociation.customer_id, AccountAssociation.partner_id)
    )
    return tuple((row.partner_id, row.customer_id) for row in rows)


async def customer_principal(
    session: AsyncSession, cloud_account_id: int, *, token_id: int | None = None
) -> Principal:
    """The principal of a cloud account, with its associations as they are now."""
    return Principal(
        kind=PrincipalKind.CUSTOMER,
        token_id=token_id,
        cloud_account_id=cloud_account_id,
        associations=await associations_of(session, cloud_account_id),
    )
