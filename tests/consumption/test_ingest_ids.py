"""One record parser for `ingestUsage` and `consumption ingest`: global ids (or integer row
ids) in both, and rejections that name the record and the field at fault."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from app.services.consumption.records import BadRecord, row_id
from tests.cli_databases import run
from tests.consumption.helpers import at, ingest, usage, world
from tests.factories import global_id, gql, iso, platform_token

INGEST = """
mutation Ingest($input: IngestUsageInput!) {
  ingestUsage(input: $input) {
    inserted
    rejected { index sourceId field reason }
    userErrors { code field message }
  }
}
"""
DAY = date(2026, 6, 1)


def record(resource, hour, source, resource_id):
    return {
        "sourceId": source,
        "resourceId": resource_id,
        "serviceType": resource.service_type.value,
        "region": resource.region,
        "startAt": iso(at(DAY, hour)),
        "endAt": iso(at(DAY, hour + 1)),
        "quantity": "1",
        "unit": "hour",
    }


async def test_the_mutation_takes_global_and_integer_ids(client, session):
    # given
    w = await world(session)
    token = await platform_token(session)
    records = [
        record(w.resource, 1, "global", global_id("Resource", w.resource.id)),
        record(w.resource, 2, "integer", str(w.resource.id)),
    ]

    # when
    body = await gql(client, INGEST, {"input": {"records": records}}, token=token)

    # then
    assert body["data"]["ingestUsage"]["inserted"] == 2, body
    assert body["data"]["ingestUsage"]["rejected"] == []


async def test_bad_ids_are_rejected_naming_the_record_and_the_field(client, session):
    # given
    w = await world(session)
    token = await platform_token(session)
    customer_gid = global_id("Customer", w.customer.id)
    records = [
        record(w.resource, 1, "wrong-type", customer_gid),
        record(w.resource, 2, "malformed", "%%%"),
        record(w.resource, 3, "zero", "0"),
        record(w.resource, 4, "empty", ""),
        record(w.resource, 5, "ghost", global_id("Resource", 999999)),
        {
            **record(w.resource, 6, "bad-quantity", global_id("Resource", w.resource.id)),
            "quantity": "-1",
        },
    ]

    # when
    body = await gql(client, INGEST, {"input": {"records": records}}, token=token)

    # then
    rejected = {r["sourceId"]: r for r in body["data"]["ingestUsage"]["rejected"]}
    example = global_id("Resource", 42)
    assert {k: (r["index"], r["field"], r["reason"]) for k, r in rejected.items()} == {
        "wrong-type": (0, "resourceId", "resourceId is a Customer id, not a Resource id"),
        "malformed": (
            1,
            "resourceId",
            f"resourceId '%%%' is not a Resource id (a global id such as '{example}', or an "
            "integer)",
        ),
        "zero": (
            2,
            "resourceId",
            f"resourceId '0' is not a Resource id (a global id such as '{example}', or an integer)",
        ),
        "empty": (3, "resourceId", "resourceId is missing"),
        "ghost": (4, "resourceId", "unknown resourceId"),
        "bad-quantity": (5, "quantity", "quantity must be zero or more"),
    }
    assert body["data"]["ingestUsage"]["inserted"] == 0


async def test_customer_ids_are_read_the_same_way(session):
    # given
    w = await world(session)
    other = global_id("Customer", w.customer.id + 1000)
    records = [
        usage(w.resource, at(DAY, 1), source_id="int", customerId=w.customer.id),
        usage(
            w.resource, at(DAY, 2), source_id="gid", customerId=global_id("Customer", w.customer.id)
        ),
        usage(w.resource, at(DAY, 3), source_id="other", customerId=other),
        usage(w.resource, at(DAY, 4), source_id="order", customerId=global_id("Order", 1)),
    ]

    # when
    result = await ingest(session, records)

    # then
    assert result.inserted == 2
    assert [(r.source_id, r.field, r.reason) for r in result.rejected] == [
        ("other", "customerId", "customerId is not the resource's customer"),
        ("order", "customerId", "customerId is an Order id, not a Customer id"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, 7), ("7", 7), (" 7 ", 7), (None, None), ("", None)],
)
def test_plain_ids_parse(value, expected):
    assert row_id({"resourceId": value}, "resourceId", "Resource") == expected


@pytest.mark.parametrize("value", [True, -1, 0, 2**63, "1.5", "٣", "Resource:1", 1.0, [1]])
def test_other_values_are_refused_naming_the_field(value):
    with pytest.raises(BadRecord) as refused:
        row_id({"resourceId": value}, "resourceId", "Resource")
    assert refused.value.field == "resourceId"


def test_a_file_with_global_ids_is_ingested(seeded_cli_database, tmp_path):
    # given the demo data and files naming resources by global id, one record bad
    import sqlite3

    with sqlite3.connect(seeded_cli_database.path) as connection:
        resource_id, service, region, unit = connection.execute(
            "SELECT r.id, r.service_type, r.region, p.unit FROM resources r "
            "JOIN products p ON p.id = r.product_id "
            "WHERE r.billing_mode = 'ON_DEMAND' AND p.unit = 'hour' ORDER BY r.id LIMIT 1"
        ).fetchone()
    lines = [
        {
            "sourceId": f"gid-{h}",
            "resourceId": global_id("Resource", resource_id),
            "serviceType": service,
            "region": region,
            "startAt": f"2026-06-03T{h:02d}:00:00+08:00",
            "endAt": f"2026-06-03T{h + 1:02d}:00:00+08:00",
            "quantity": "1",
            "unit": unit,
        }
        for h in range(3)
    ]
    lines.append({**lines[0], "sourceId": "typo", "resourceId": global_id("Order", resource_id)})
    ndjson = tmp_path / "usage.ndjson"
    ndjson.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    table = tmp_path / "usage.csv"
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(lines[0]))
        writer.writeheader()
        for line in lines:
            writer.writerow({**line, "sourceId": f"csv-{line['sourceId']}"})

    # when
    from_ndjson = run("consumption", "ingest", str(ndjson))
    from_csv = run("consumption", "ingest", str(table))

    # then
    assert "read 4, inserted 3, duplicates 0, rejected 1" in from_ndjson
    assert "read 4, inserted 3, duplicates 0, rejected 1" in from_csv
    [reject] = [json.loads(x) for x in (tmp_path / "usage.ndjson.rejects").read_text().splitlines()]
    assert reject == {
        "line": 4,
        "sourceId": "typo",
        "field": "resourceId",
        "reason": "resourceId is an Order id, not a Resource id",
    }
