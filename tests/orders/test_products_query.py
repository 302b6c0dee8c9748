"""The product catalog: public to every principal, filterable, paged by code."""

from __future__ import annotations

from decimal import Decimal

from app.demo.catalog import demo_products
from app.models import Product
from app.models.customers.enums import BillingMode
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

PRODUCTS = """
query($filter: ProductFilter, $after: String) {
  products(first: 100, filter: $filter, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id code serviceType region spec billingMode unit
      monthlyPrice { amount } yearlyPrice { amount } unitPrice { amount } }
  }
}
"""


async def load_catalog(session) -> list[Product]:
    products = demo_products()
    session.add_all(products)
    await session.flush()
    return products


async def test_everyone_reads_the_catalog(client, session):
    products = await load_catalog(session)
    partner = await make_partner(session)
    tokens = [
        await token_for(session, await make_user(session, partner, Role.VIEWER)),
        await customer_token(session, await make_customer(session, partner)),
    ]

    for token in tokens:
        body = await gql(client, PRODUCTS, token=token)
        assert body["data"]["products"]["totalCount"] == len(products)


async def test_filters_and_prices(client, session):
    await load_catalog(session)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.SALES))

    body = await gql(
        client,
        PRODUCTS,
        {
            "filter": {
                "serviceTypes": ["ECS"],
                "regions": ["cn-north-4"],
                "billingModes": ["ON_DEMAND"],
            }
        },
        token=token,
    )

    nodes = body["data"]["products"]["nodes"]
    assert {n["spec"] for n in nodes} == {"s6.large.2", "s6.xlarge.2"}
    small = next(n for n in nodes if n["spec"] == "s6.large.2")
    assert small["unitPrice"] == {"amount": "0.34000000"}
    assert small["monthlyPrice"] is None and small["unit"] == "hour"
    assert [n["code"] for n in nodes] == sorted(n["code"] for n in nodes)


async def test_prepaid_prices_have_their_own_yearly_number(client, session):
    await load_catalog(session)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    body = await gql(
        client,
        PRODUCTS,
        {
            "filter": {
                "serviceTypes": ["RDS"],
                "regions": ["cn-east-3"],
                "billingModes": ["YEARLY_MONTHLY"],
            }
        },
        token=token,
    )

    mysql = next(n for n in body["data"]["products"]["nodes"] if n["spec"] == "mysql.x1.large.2")
    assert Decimal(mysql["monthlyPrice"]["amount"]) == Decimal("472.50")
    assert Decimal(mysql["yearlyPrice"]["amount"]) < 12 * Decimal("472.50")


async def test_inactive_products_are_hidden_unless_asked(client, session):
    products = await load_catalog(session)
    products[0].active = False
    await session.flush()
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    default = await gql(client, PRODUCTS, token=token)
    everything = await gql(client, PRODUCTS, {"filter": {"includeInactive": True}}, token=token)

    assert default["data"]["products"]["totalCount"] == len(products) - 1
    assert everything["data"]["products"]["totalCount"] == len(products)


async def test_a_resource_shows_its_product(client, session):
    products = await load_catalog(session)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))
    product = next(p for p in products if p.billing_mode is BillingMode.YEARLY_MONTHLY)
    resource = await make_resource(
        session, await make_customer(session, partner), product_id=product.id
    )

    body = await gql(
        client,
        "query($id: ID!) { resource(id: $id) { product { id code } } }",
        {"id": global_id("Resource", resource.id)},
        token=token,
    )

    assert body["data"]["resource"]["product"] == {
        "id": global_id("Product", product.id),
        "code": product.code,
    }
