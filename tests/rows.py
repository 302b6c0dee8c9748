"""Reading a stored row back in a test, by the id the test holds.

A tenant table's primary key is `(partner_id, id)`, so `session.get(Model, id)` no longer
names a row; `reread(session, Model, id)` does, and always reads the row afresh.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession


async def reread(session: AsyncSession, model: type[Any], row_id: Any) -> Any:
    """The row of `model` whose id (its last key column: `id`, or `customer_id` for a
    customer's account) is `row_id`, or None."""
    key = inspect(model).primary_key[-1]
    stmt = select(model).where(key == row_id).execution_options(populate_existing=True)
    return await session.scalar(stmt)
