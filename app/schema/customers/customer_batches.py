"""The batch forms of `Customer`'s nested fields, for the look-ahead (`core/prefetch.py`).

Each returns, for a list of customers, what the field's resolver in `customers.py` returns
for each one, through the same resolver functions and loaders (so the same scoping and
checks): a page of 50 customers then reads each relation once, before the page is
completed, instead of 50 resolver calls per field.
"""

from __future__ import annotations

from typing import Any

from app.resolvers.consumption import consumption as consumption_resolvers
from app.resolvers.customers import resources as resource_resolvers
from app.resolvers.funds import accounts as funds_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.prefetch import batch
from app.schema.core.relay import connection
from app.schema.customers.customers import Customer
from app.schema.customers.resources import Resource
from app.schema.funds.accounts import CustomerAccount
from app.schema.partners.partners import PartnerUser


@batch(Customer, "account")
async def accounts(info: Any, customers: list[Customer]) -> list[CustomerAccount]:
    ids = [customer.db_id for customer in customers]
    positions = await funds_resolvers.customer_positions(info.context, ids)
    return [CustomerAccount(position=position) for position in positions]


@batch(Customer, "account_manager")
async def account_managers(info: Any, customers: list[Customer]) -> list[PartnerUser | None]:
    ids = [customer.account_manager_id for customer in customers]
    rows = await partner_resolvers.load_partner_users(info.context, ids)
    return [None if row is None else PartnerUser.from_row(row) for row in rows]


@batch(Customer, "resources")
async def resources(
    info: Any,
    customers: list[Customer],
    filter: Any = None,
    order_by: Any = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> list[Any]:
    ids = [customer.db_id for customer in customers]
    pages = await resource_resolvers.customers_resources(
        info.context, ids, filter, order_by, first, after, last, before
    )
    return [connection(page, Resource.from_row) for page in pages]


@batch(Customer, "consumption")
async def consumption(info: Any, customers: list[Customer], cycle: str | None = None) -> list[Any]:
    from app.schema.consumption.consumption import CustomerConsumption

    ids = [customer.db_id for customer in customers]
    found = await consumption_resolvers.customers_consumption(info.context, ids, cycle)
    return [CustomerConsumption.of(*each) for each in found]
