"""partners: the platform lists every partner with its certification; nobody else may."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.partners.enums import CertificationStatus, Role
from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)

PARTNERS = """
query($filter: PartnerFilter, $first: Int, $after: String) {
  partners(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { name certificationStatus }
  }
}
"""


async def _world(session, now):
    await make_partner(session, name="Zz Lapsed by time", certification_expires_at=now)
    await make_partner(
        session,
        name="Zz Stored expired",
        certification_status=CertificationStatus.EXPIRED,
        certification_expires_at=now - timedelta(days=9),
    )
    await make_partner(session, name="Zz In force", certification_expires_at=now + timedelta(1))
    await make_partner(session, name="Zz No end", certification_expires_at=None)


async def test_the_platform_lists_partners_by_name_with_their_status_now(
    client, session, frozen_clock
):
    await _world(session, frozen_clock.now())

    body = await gql(
        client, PARTNERS, {"filter": {"nameContains": "zz "}}, token=await platform_token(session)
    )

    nodes = body["data"]["partners"]["nodes"]
    assert [(n["name"], n["certificationStatus"]) for n in nodes] == [
        ("Zz In force", "CERTIFIED"),
        ("Zz Lapsed by time", "EXPIRED"),
        ("Zz No end", "CERTIFIED"),
        ("Zz Stored expired", "EXPIRED"),
    ]


@pytest.mark.parametrize(
    "status, names",
    [
        ("EXPIRED", ["Zz Lapsed by time", "Zz Stored expired"]),
        ("CERTIFIED", ["Zz In force", "Zz No end"]),
    ],
)
async def test_filtering_by_status_reads_the_clock(client, session, frozen_clock, status, names):
    await _world(session, frozen_clock.now())

    body = await gql(
        client,
        PARTNERS,
        {"filter": {"nameContains": "Zz", "certificationStatus": status}},
        token=await platform_token(session),
    )

    assert [n["name"] for n in body["data"]["partners"]["nodes"]] == names
    assert body["data"]["partners"]["totalCount"] == len(names)


async def test_filtering_by_end_and_paging(client, session, frozen_clock):
    await _world(session, frozen_clock.now())
    token = await platform_token(session)
    cut = (frozen_clock.now() + timedelta(hours=1)).isoformat()

    first = await gql(
        client,
        PARTNERS,
        {"filter": {"nameContains": "Zz", "certificationExpiresBefore": cut}, "first": 1},
        token=token,
    )
    page = first["data"]["partners"]
    second = await gql(
        client,
        PARTNERS,
        {
            "filter": {"nameContains": "Zz", "certificationExpiresBefore": cut},
            "first": 1,
            "after": page["pageInfo"]["endCursor"],
        },
        token=token,
    )

    assert [n["name"] for n in page["nodes"]] == ["Zz Lapsed by time"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [n["name"] for n in second["data"]["partners"]["nodes"]] == ["Zz Stored expired"]


@pytest.mark.parametrize("role", list(Role))
async def test_partner_users_cannot_list_partners(client, session, role):
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, role))

    body = await gql(client, PARTNERS, token=token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_customer_cannot_list_partners(client, session):
    partner = await make_partner(session)
    token = await customer_token(session, await make_customer(session, partner))

    body = await gql(client, PARTNERS, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
