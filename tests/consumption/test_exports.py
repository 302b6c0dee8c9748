"""Streaming exports: content, auth, roles, tenant isolation, resume, gzip."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

from app.models.partners.enums import Role
from tests.consumption.helpers import at, ingest, on_demand_resource, usage, world
from tests.factories import make_customer, make_partner, make_user, platform_token, token_for

DAY = date(2026, 6, 1)
NDJSON = "/exports/consumption-details.ndjson"
CSV = "/exports/consumption-details.csv"
PARQUET = "/exports/consumption-details.parquet"


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


def _text(value):
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


async def test_parquet_export_holds_what_the_ndjson_export_holds(client, session):
    import pyarrow.parquet as pq

    from app.settings import get_settings

    w = await seeded(session)
    token = await token_for(session, w.admin)
    settings = get_settings()
    # batches of 2 rows gathered into row groups of 4: 12 rows make 3 row groups
    saved = settings.export_batch_rows, settings.parquet_row_group_rows
    settings.export_batch_rows, settings.parquet_row_group_rows = 2, 4
    try:
        response = await client.get("/exports/consumption-details.parquet", headers=auth(token))
    finally:
        settings.export_batch_rows, settings.parquet_row_group_rows = saved
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    parquet = pq.ParquetFile(io.BytesIO(response.content))
    assert parquet.num_row_groups == 3
    assert [parquet.metadata.row_group(i).num_rows for i in range(3)] == [4, 4, 4]
    table = parquet.read()
    assert str(table.schema.field("amount_due").type) == "decimal128(38, 8)"
    assert str(table.schema.field("day").type) == "date32[day]"

    ndjson = await client.get(NDJSON, headers=auth(token))
    expected = [json.loads(line) for line in ndjson.text.splitlines()]
    got = [{k: _text(v) for k, v in row.items()} for row in table.to_pylist()]
    as_text = [{k: _text(v) for k, v in row.items()} for row in expected]
    assert got == as_text
    assert len(got) == 12
    assert got[0]["amount_due"] == "0.68000000"
    assert got[0]["day"] == "2026-06-01"


async def test_parquet_export_resumes_after_an_id(client, session):
    import pyarrow.parquet as pq

    w = await seeded(session)
    token = await token_for(session, w.admin)
    everything = pq.read_table(
        io.BytesIO((await client.get(PARQUET, headers=auth(token))).content)
    ).column("id")
    middle = everything[5].as_py()
    rest = pq.read_table(
        io.BytesIO(
            (await client.get(PARQUET, headers=auth(token), params={"after": middle})).content
        )
    ).column("id")
    assert rest.to_pylist() == everything.to_pylist()[6:]
    nothing = await client.get(
        PARQUET, headers=auth(token), params={"after": everything[-1].as_py()}
    )
    assert pq.read_table(io.BytesIO(nothing.content)).num_rows == 0
