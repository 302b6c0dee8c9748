"""Export parameters are validated before the first byte: a bad one is a 400, never a 200
followed by a cut stream, and an unknown one is never silently ignored."""

from __future__ import annotations

import json

import pytest

from app.globalid import from_global_id, to_global_id
from tests.consumption.test_exports import NDJSON, auth, seeded
from tests.factories import global_id, token_for

FORMATS = ["csv", "ndjson", "parquet"]

BAD = [
    ("graphql-name-serviceTypes", [("serviceTypes", "ECS")], "serviceTypes"),
    ("graphql-name-customerIds", [("customerIds", "x")], "customerIds"),
    ("typo", [("regoin", "cn-north-4")], "regoin"),
    ("superscript-after", [("after", "\u00b2")], "after"),
    ("huge-after", [("after", "9" * 30)], "after"),
    ("after-beyond-64-bits", [("after", str(2**63))], "after"),
    ("negative-after", [("after", "-1")], "after"),
    ("after-of-another-type", [("after", to_global_id("Customer", 1))], "after"),
    ("nul-in-region", [("region", "cn\x00north")], "region"),
    ("long-region", [("region", "r" * 500)], "region"),
    ("bad-cycle", [("cycleFrom", "2026-13")], "2026-13"),
    ("short-cycle", [("cycleFrom", "2026-6")], "cycleFrom"),
    ("full-width-cycle", [("cycleTo", "\uff12\uff10\uff12\uff16-06")], "cycleTo"),
    ("cycle-with-newline", [("cycleTo", "2026-06\n")], "cycleTo"),
    ("repeated-after", [("after", "1"), ("after", "2")], "after"),
    ("repeated-cycle", [("cycleFrom", "2026-05"), ("cycleFrom", "2026-06")], "cycleFrom"),
    ("bad-enum", [("serviceType", "NOPE")], "serviceType"),
    ("enum-lowercase", [("billingMode", "on_demand")], "billingMode"),
    ("bad-customer", [("customerId", "garbage")], "customerId"),
    ("nul-in-customer", [("customerId", global_id("Customer", 1) + "\x00")], "customerId"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("params", "named"), [(p, n) for _, p, n in BAD], ids=[i for i, *_ in BAD])
async def test_bad_parameters_are_400_before_streaming(client, session, fmt, params, named):
    # given
    w = await seeded(session)
    token = await token_for(session, w.admin)

    # when
    response = await client.get(
        f"/exports/consumption-details.{fmt}", headers=auth(token), params=params
    )

    # then
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert named in error["message"]
    # and the next export is whole
    again = await client.get(NDJSON, headers=auth(token))
    assert again.status_code == 200 and len(again.text.splitlines()) == 12


async def test_an_unknown_parameter_names_the_accepted_ones(client, session):
    w = await seeded(session)
    token = await token_for(session, w.admin)

    response = await client.get(NDJSON, headers=auth(token), params={"serviceTypes": "ECS"})

    message = response.json()["errors"][0]["message"]
    for accepted in ("after", "billingMode", "customerId", "cycleFrom", "cycleTo", "kind"):
        assert accepted in message
    assert "region" in message and "resourceId" in message and "serviceType " in message


async def test_every_accepted_parameter_still_works(client, session):
    # given
    w = await seeded(session)
    token = await token_for(session, w.admin)
    everything = [
        json.loads(line)
        for line in (await client.get(NDJSON, headers=auth(token))).text.splitlines()
    ]
    first = everything[0]
    params = [
        ("cycleFrom", "2026-06"),
        ("cycleTo", "2026-06"),
        ("customerId", first["customer_id"]),
        ("serviceType", first["service_type"]),
        ("region", first["region"]),
        ("billingMode", first["billing_mode"]),
        ("resourceId", first["resource_id"]),
        ("resourceId", everything[1]["resource_id"]),
        ("kind", "USAGE"),
        ("after", first["id"]),
    ]

    # when
    response = await client.get(NDJSON, headers=auth(token), params=params)

    # then: exactly the rows every filter matches
    assert response.status_code == 200, response.text
    resources = {first["resource_id"], everything[1]["resource_id"]}
    expected = [
        r["id"]
        for r in everything[1:]
        if r["resource_id"] in resources
        and (r["service_type"], r["region"], r["billing_mode"])
        == (first["service_type"], first["region"], first["billing_mode"])
    ]
    assert len(expected) >= 5
    assert [json.loads(line)["id"] for line in response.text.splitlines()] == expected


async def test_after_as_a_plain_number(client, session):
    w = await seeded(session)
    token = await token_for(session, w.admin)
    rows = [
        json.loads(line)
        for line in (await client.get(NDJSON, headers=auth(token))).text.splitlines()
    ]
    number = str(from_global_id(rows[4]["id"])[1])

    response = await client.get(NDJSON, headers=auth(token), params={"after": number})

    assert [json.loads(line)["id"] for line in response.text.splitlines()] == [
        r["id"] for r in rows[5:]
    ]
