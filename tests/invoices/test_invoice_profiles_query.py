"""`invoiceProfiles` and `node(id)` of a profile: ADMIN, FINANCE and VIEWER read their own
partner's live profiles, newest first."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import gql
from tests.invoices.helpers import NODE, OTHER_TAX_ID, PROFILES, forbidden, make_profile, pid


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "VIEWER"])
async def test_the_partners_profiles_newest_first(client, session, world, role):
    # given two profiles of the partner and one of another partner
    first = await make_profile(session, world.users[Role.ADMIN], title="甲公司")
    second = await make_profile(
        session, world.users[Role.FINANCE], title="乙公司", tax_id=OTHER_TAX_ID
    )
    await make_profile(session, world.other_admin, title="别家公司")

    # when
    body = await gql(client, PROFILES, token=world.tokens[role])

    # then
    connection = body["data"]["invoiceProfiles"]
    assert connection["totalCount"] == 2
    assert [n["id"] for n in connection["nodes"]] == [pid(second), pid(first)]
    assert connection["nodes"][1]["isDefault"] is True


async def test_pages_follow_each_other(client, session, world):
    made = [
        await make_profile(session, world.users[Role.ADMIN], title=f"公司{i}") for i in range(3)
    ]
    page1 = (await gql(client, PROFILES, {"first": 2}, token=world.tokens["VIEWER"]))["data"]
    page1 = page1["invoiceProfiles"]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(
        client,
        PROFILES,
        {"first": 2, "after": page1["pageInfo"]["endCursor"]},
        token=world.tokens["VIEWER"],
    )
    page2 = page2["data"]["invoiceProfiles"]
    ids = [n["id"] for n in page1["nodes"] + page2["nodes"]]
    assert ids == [pid(p) for p in reversed(made)]
    assert page2["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("first", [0, 101])
async def test_a_page_size_out_of_range_is_refused(client, session, world, first):
    body = await gql(
        client, PROFILES, {"first": first}, token=world.tokens["ADMIN"], expect_status=None
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert not (body.get("data") or {}).get("invoiceProfiles")


async def test_the_platform_reads_every_partners_profiles(client, session, world):
    mine = await make_profile(session, world.users[Role.ADMIN], title="甲公司")
    theirs = await make_profile(session, world.other_admin, title="别家公司")
    body = await gql(client, PROFILES, token=world.tokens["PLATFORM"])
    ids = [n["id"] for n in body["data"]["invoiceProfiles"]["nodes"]]
    assert pid(mine) in ids and pid(theirs) in ids


@pytest.mark.parametrize("role", ["SALES", "CUSTOMER"])
async def test_other_roles_are_forbidden(client, session, world, role):
    await make_profile(session, world.users[Role.ADMIN])
    assert forbidden(await gql(client, PROFILES, token=world.tokens[role]))


async def test_a_profile_is_a_node_of_its_own_partner_only(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    mine = await gql(client, NODE, {"id": pid(profile)}, token=world.tokens["VIEWER"])
    assert mine["data"]["node"] == {"id": pid(profile), "title": "示例有限公司"}
    theirs = await gql(client, NODE, {"id": pid(profile)}, token=world.other_token)
    assert theirs["data"]["node"] is None
    sales = await gql(client, NODE, {"id": pid(profile)}, token=world.tokens["SALES"])
    assert sales["data"]["node"] is None
