"""`addReservedCompany`: only the platform manages the list; bad input."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.factories import gql, make_partner, make_user, platform_token, token_for
from tests.lifecycle.reserved_company_helpers import ADD, LIST


async def test_only_the_platform_manages_the_list(client, session):
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))

    add = await gql(client, ADD, {"input": {"companyName": "X"}}, token=admin)
    listed = await gql(client, LIST, token=admin)

    assert add["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_invalid_input(client, session):
    body = await gql(
        client,
        ADD,
        {"input": {"companyName": "", "creditCode": "123"}},
        token=await platform_token(session),
    )

    assert {e["field"][1] for e in body["data"]["addReservedCompany"]["userErrors"]} == {
        "companyName",
        "creditCode",
    }
