"""The `customers` filter `associatedBetween`: from inclusive, to exclusive, UTC offsets
honoured."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from app import clock
from app.models import Customer, Partner
from tests.customers.customers_query_helpers import (
    CUSTOMERS,
    _iso,
    admin_token,
    list_customers,
    names,
)
from tests.factories import gql, make_customer, make_partner

# --- associatedBetween ----------------------------------------------------------------------


async def _customers_around(session: Any, partner: Partner) -> dict[str, Customer]:
    """Customers associated just before, at, inside, just before the end and at the end."""
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)
    moments = {
        "before": start - timedelta(microseconds=1),
        "at_start": start,
        "inside": start + timedelta(days=2),
        "before_end": end - timedelta(microseconds=1),
        "at_end": end,
    }
    return {
        label: await make_customer(session, partner, name=label, associated_at=at)
        for label, at in moments.items()
    }


async def test_associated_between_is_from_inclusive_to_exclusive(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)

    # when
    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"from": _iso(start), "to": _iso(end)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    # then
    assert names(found) == ["at_start", "inside", "before_end"]
    assert found["totalCount"] == 3


async def test_associated_between_with_only_from(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)

    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"from": _iso(start)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    assert names(found) == ["at_start", "inside", "before_end", "at_end"]


async def test_associated_between_with_only_to(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    end = clock.now() - timedelta(days=5)

    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"to": _iso(end)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    assert names(found) == ["before", "at_start", "inside", "before_end"]


async def test_associated_between_honours_the_utc_offset(client, session):
    # given: the same instants as in the inclusive/exclusive test, written in +08:00
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)
    shanghai = timezone(timedelta(hours=8))

    # when
    found = await list_customers(
        client,
        token,
        {
            "associatedBetween": {
                "from": _iso(start.astimezone(shanghai)),
                "to": _iso(end.astimezone(shanghai)),
            }
        },
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    # then
    assert names(found) == ["at_start", "inside", "before_end"]


async def test_empty_associated_between_matches_everything(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)

    found = await list_customers(client, token, {"associatedBetween": {}})

    assert found["totalCount"] == 5


async def test_associated_between_without_utc_offset_is_refused(client, session):
    # given: a time without an offset is ambiguous (UTC? Beijing?), so it is bad input
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    naive = (clock.now() - timedelta(days=10)).replace(tzinfo=None).isoformat()

    # when
    body = await gql(
        client,
        CUSTOMERS,
        {"filter": {"associatedBetween": {"from": naive}}, "first": 100},
        token=token,
    )

    # then: refused before execution, with a message that says what to add
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    assert "UTC offset" in error["message"]
