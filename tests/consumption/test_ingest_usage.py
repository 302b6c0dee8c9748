"""ingestUsage and closeBillCycle (PLATFORM) through HTTP; bad records rejected with reasons."""

from __future__ import annotations

from datetime import date

from app.models.customers.enums import ServiceType
from app.settings import get_settings
from tests.consumption.helpers import at, make_product, on_demand_resource, world
from tests.factories import global_id, gql, iso, platform_token, token_for

INGEST = """
mutation Ingest($input: IngestUsageInput!) {
  ingestUsage(input: $input) {
    read inserted duplicates ratedRecords
    rejected { index sourceId reason }
    userErrors { code field message }
  }
}
"""


DAY = date(2026, 6, 1)


def record(resource, hour, source, **extra):
    value = {
        "sourceId": source,
        "resourceId": global_id("Resource", resource.id),
        "serviceType": resource.service_type.value,
        "region": resource.region,
        "startAt": iso(at(DAY, hour)),
        "endAt": iso(at(DAY, hour + 1)),
        "quantity": "1.5",
        "unit": "hour",
    }
    value.update(extra)
    return value


async def test_platform_ingests_and_a_replay_changes_nothing(client, session):
    # given
    w = await world(session)
    token = await platform_token(session)
    records = [record(w.resource, h, f"r-{h}") for h in range(3)]

    # when
    first = await gql(client, INGEST, {"input": {"records": records}}, token=token)
    again = await gql(client, INGEST, {"input": {"records": records}}, token=token)

    # then
    assert first["data"]["ingestUsage"] == {
        "read": 3,
        "inserted": 3,
        "duplicates": 0,
        "ratedRecords": 3,
        "rejected": [],
        "userErrors": [],
    }
    assert again["data"]["ingestUsage"]["duplicates"] == 3
    assert again["data"]["ingestUsage"]["inserted"] == 0


async def test_bad_records_are_rejected_with_reasons(client, session):
    # given
    w = await world(session)
    cdn = await make_product(session, ServiceType.CDN, unit="GB", unit_price="0.2")
    other = await on_demand_resource(session, w.customer, cdn)
    token = await platform_token(session)
    records = [
        record(w.resource, 1, "ok"),
        record(w.resource, 2, "neg", quantity="-1"),
        record(w.resource, 3, "unit", unit="GB"),
        record(w.resource, 4, "svc", serviceType="OBS"),
        record(w.resource, 5, "back", endAt=iso(at(DAY, 4))),
        record(other, 6, "wrong-unit"),
        record(w.resource, 7, "fine", quantity="0.123456789"),
        {**record(w.resource, 8, "ghost"), "resourceId": global_id("Resource", 999999)},
    ]

    # when
    body = await gql(client, INGEST, {"input": {"records": records}}, token=token)

    # then
    payload = body["data"]["ingestUsage"]
    assert payload["inserted"] == 1
    reasons = {r["sourceId"]: r["reason"] for r in payload["rejected"]}
    assert reasons == {
        "neg": "quantity must be zero or more",
        "unit": "unit GB is not the product's unit hour",
        "svc": "serviceType OBS is not the resource's",
        "back": "endAt is not after startAt",
        "wrong-unit": "unit hour is not the product's unit GB",
        "fine": "quantity has more than 8 decimal places",
        "ghost": "unknown resourceId",
    }


async def test_a_partner_may_not_ingest(client, session):
    w = await world(session)
    token = await token_for(session, w.admin)
    body = await gql(
        client, INGEST, {"input": {"records": [record(w.resource, 1, "x")]}}, token=token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_too_many_records_are_refused(client, session, monkeypatch):
    w = await world(session)
    token = await platform_token(session)
    monkeypatch.setattr(get_settings(), "max_ingest_batch", 2)
    records = [record(w.resource, h, f"r-{h}") for h in range(3)]
    body = await gql(client, INGEST, {"input": {"records": records}}, token=token)
    assert body["data"]["ingestUsage"]["userErrors"][0]["code"] == "BATCH_TOO_LARGE"
