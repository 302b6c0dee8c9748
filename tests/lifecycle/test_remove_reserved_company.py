"""`removeReservedCompany`: a reserved name blocks registrations until it is released."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.factories import gql, make_partner, make_user, platform_token, token_for
from tests.lifecycle.reserved_company_helpers import ADD, LIST

REMOVE = """
mutation Remove($id: ID!) {
  removeReservedCompany(input: {id: $id}) { removedReservedCompanyId userErrors { code } }
}
"""


SUBMIT = """
mutation Submit($name: String!) {
  submitRegistration(input: {companyName: $name, contactName: "a", contactEmail: "a@b.cn",
                              contactPhone: "13800001111"}) {
    userErrors { code }
  }
}
"""


async def test_reserve_block_release(client, session):
    platform = await platform_token(session)
    partner = await make_partner(session)
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    added = await gql(
        client,
        ADD,
        {"input": {"companyName": "Vendor Key Account Ltd", "creditCode": "91310000ma1fl8xq3y"}},
        token=platform,
    )
    duplicate = await gql(
        client, ADD, {"input": {"companyName": "VENDOR KEY ACCOUNT"}}, token=platform
    )
    blocked = await gql(client, SUBMIT, {"name": "Vendor Key Account"}, token=sales)
    reserved = added["data"]["addReservedCompany"]["reservedCompany"]
    listed = await gql(client, LIST, token=platform)
    removed = await gql(client, REMOVE, {"id": reserved["id"]}, token=platform)
    free = await gql(client, SUBMIT, {"name": "Vendor Key Account"}, token=sales)

    assert reserved["creditCode"] == "91310000MA1FL8XQ3Y"
    assert duplicate["data"]["addReservedCompany"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert blocked["data"]["submitRegistration"]["userErrors"] == [
        {"code": "REGISTRATION_CONFLICT"}
    ]
    assert [n["id"] for n in listed["data"]["reservedCompanies"]["nodes"]] == [reserved["id"]]
    assert removed["data"]["removeReservedCompany"]["removedReservedCompanyId"] == reserved["id"]
    assert free["data"]["submitRegistration"]["userErrors"] == []
