"""Streaming exports: content, auth, roles, tenant isolation, resume, gzip."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from app.models.enums import Role
from tests.consumption.helpers import at, ingest, on_demand_resource, usage, world
from tests.factories import make_customer, make_partner, make_user, platform_token, token_for

DAY = date(2026, 6, 1)
NDJSON = "/exports/consumption-details.ndjson"
CSV = "/exports/consumption-details.csv"


async def seeded(session, days=6):
    w = await world(session)
    other = await on_demand_resource(session, w.customer, w.product)
    records = []
    for d in range(days):
        records.append(usage(w.resource, at(DAY + timedelta(days=d), 1), "2"))
        records.append(usage(other, at(DAY + timedelta(days=d), 2), "1"))
    await ingest(session, records)
    return w


def auth(token):
    return {"Authorization": f"Bearer {token}"}


async def test_ndjson_export_has_every_detail(client, session):
    # given 12 details
    w = await seeded(session)
    token = await token_for(session, w.admin)

    # when
    response = await client.get(NDJSON, headers=auth(token))

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == 12
    assert rows[0]["bill_cycle"] == "2026-06" and rows[0]["day"] == "2026-06-01"
    assert rows[0]["amount_due"] == "0.68000000"
    assert rows[0]["kind"] == "USAGE"


async def test_csv_export_with_filters(client, session):
    w = await seeded(session)
    token = await token_for(session, w.admin)
    from tests.factories import global_id

    params = {"resourceId": global_id("Resource", w.resource.id), "cycleFrom": "2026-06"}
    response = await client.get(CSV, headers=auth(token), params=params)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 6
    assert {r["usage"] for r in rows} == {"2.00000000"}


async def test_resume_after_a_row_gives_exactly_the_rest(client, session):
    # given a download interrupted after 5 rows
    w = await seeded(session)
    token = await token_for(session, w.admin)
    everything = [
        json.loads(line)
        for line in (await client.get(NDJSON, headers=auth(token))).text.splitlines()
    ]
    received = everything[:5]

    # when it resumes after the last row received
    response = await client.get(NDJSON, headers=auth(token), params={"after": received[-1]["id"]})

    # then
    rest = [json.loads(line) for line in response.text.splitlines()]
    assert received + rest == everything
    assert len({r["id"] for r in received + rest}) == 12


async def test_gzip_when_accepted(client, session):
    w = await seeded(session)
    token = await token_for(session, w.admin)
    response = await client.get(CSV, headers={**auth(token), "Accept-Encoding": "gzip"}, params={})
    assert response.headers["content-encoding"] == "gzip"
    # httpx decodes gzip itself; the body is the CSV
    assert response.text.startswith("id,bill_cycle,day")


async def test_no_token_is_401_and_a_sales_user_is_forbidden(client, session):
    w = await seeded(session)
    response = await client.get(NDJSON)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    response = await client.get(NDJSON, headers=auth("pc_nonsense"))
    assert response.status_code == 401
    sales = await make_user(session, w.partner, Role.SALES)
    response = await client.get(NDJSON, headers=auth(await token_for(session, sales)))
    assert response.status_code == 403


async def test_another_partner_exports_nothing_of_ours(client, session):
    w = await seeded(session)
    other = await make_partner(session)
    viewer = await make_user(session, other, Role.VIEWER)
    customer = await make_customer(session, other)
    resource = await on_demand_resource(session, customer, w.product)
    await ingest(session, [usage(resource, at(DAY, 3), "1")])
    response = await client.get(NDJSON, headers=auth(await token_for(session, viewer)))
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == 1
    platform = await platform_token(session)
    response = await client.get(NDJSON, headers=auth(platform))
    assert len(response.text.splitlines()) == 13


async def test_bad_filter_is_400(client, session):
    w = await seeded(session)
    token = await token_for(session, w.admin)
    response = await client.get(NDJSON, headers=auth(token), params={"cycleFrom": "2026-13"})
    assert response.status_code == 400
    response = await client.get(NDJSON, headers=auth(token), params={"serviceType": "NOPE"})
    assert response.status_code == 400


async def test_parquet_export_reads_back_with_exact_amounts(client, session):
    import pyarrow.parquet as pq

    from app.settings import get_settings

    w = await seeded(session)
    token = await token_for(session, w.admin)
    settings = get_settings()
    previous, settings.export_batch_rows = settings.export_batch_rows, 5  # several row groups
    try:
        response = await client.get("/exports/consumption-details.parquet", headers=auth(token))
    finally:
        settings.export_batch_rows = previous
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 12
    assert pq.ParquetFile(io.BytesIO(response.content)).num_row_groups == 3
    from decimal import Decimal

    assert table.column("amount_due").to_pylist()[0] == Decimal("0.68000000")
    assert str(table.column("day").to_pylist()[0]) == "2026-06-01"
