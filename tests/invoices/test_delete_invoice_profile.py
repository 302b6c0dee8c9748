"""`deleteInvoiceProfile`: a soft delete; the profile is gone for the API, its row stays."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import gql
from tests.invoices.helpers import (
    DELETE_PROFILE,
    NODE,
    PROFILES,
    audit_events,
    errors,
    forbidden,
    live_rows,
    make_profile,
    payload,
    pid,
)

NAME = "deleteInvoiceProfile"


async def delete(client, world, profile_id, role="FINANCE"):
    return await gql(
        client, DELETE_PROFILE, {"input": {"profileId": profile_id}}, token=world.tokens[role]
    )


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_a_deleted_profile_is_no_longer_listed_nor_a_node(client, session, world, role):
    # given a default profile
    profile = await make_profile(session, world.users[Role.ADMIN])

    # when
    body = await delete(client, world, pid(profile), role)

    # then
    result = payload(body, NAME)
    assert result == {"deletedInvoiceProfileId": pid(profile), "userErrors": []}
    listed = await gql(client, PROFILES, token=world.tokens["FINANCE"])
    assert listed["data"]["invoiceProfiles"]["totalCount"] == 0
    node = await gql(client, NODE, {"id": pid(profile)}, token=world.tokens["FINANCE"])
    assert node["data"]["node"] is None
    # and the row stays, deleted and no longer the default
    [row] = await live_rows(session, world.partner)
    assert row.deleted_at is not None and row.is_default is False
    [event] = await audit_events(session, "invoice_profile.delete")
    assert event.before["deleted_at"] is None and event.after["deleted_at"] is not None


async def test_deleting_twice_is_not_found(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    assert payload(await delete(client, world, pid(profile)), NAME)["userErrors"] == []
    assert errors(await delete(client, world, pid(profile)), NAME) == [
        ("NOT_FOUND", ["input", "profileId"])
    ]


async def test_a_deleted_title_may_be_created_again(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    await delete(client, world, pid(profile))
    again = await make_profile(session, world.users[Role.ADMIN])
    assert again.id != profile.id and again.is_default


async def test_another_partners_profile_is_not_found_and_stays(client, session, world):
    theirs = await make_profile(session, world.other_admin)
    body = await delete(client, world, pid(theirs))
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]
    [row] = await live_rows(session, world.other)
    assert row.deleted_at is None


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, role):
    profile = await make_profile(session, world.users[Role.ADMIN])
    assert forbidden(await delete(client, world, pid(profile), role))
    [row] = await live_rows(session, world.partner)
    assert row.deleted_at is None
