"""Every executed operation is costed and paid for (issue 12, class 2; documents' shapes are in
tests/core/test_hostile_documents.py).

The operation selected is the one locked, authorized and costed; a document that does not say
which operation to run is refused; cost is reserved atomically before execution and the unused
part refunded; `Retry-After` is rounded up; anonymous callers have buckets too.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import delete

from app.db import Database
from app.http import throttle as throttle_module
from app.main import create_app
from app.models import Base
from app.models.partners.enums import Role
from tests.factories import make_partner, make_user, token_for

GRAPHQL_RESPONSE = "application/graphql-response+json"
VIEWER = "{ viewer { kind } }"
# 2 + 100 x (1 + 2 + 6): just over 90% of a full bucket
COST_902 = "{ customers(first: 100) { nodes { resources(first: 6) { nodes { id } } } } }"
UPDATE = 'mutation M { updateCustomer(input: {id: "x", remark: "y"}) { userErrors { code } } }'
TWO_QUERIES = "query A { viewer { kind } } query B { viewer { role } }"
TWO_MUTATIONS = UPDATE + " " + UPDATE.replace("mutation M", "mutation N")


@pytest.fixture
async def token(session):
    partner = await make_partner(session)
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


@pytest.fixture
def now(monkeypatch):
    """The throttle's clock, stopped (buckets refill only when a test moves it)."""
    moment = [1000.0]
    # the throttle's own reference to the clock: the event loop keeps the real one
    monkeypatch.setattr(throttle_module, "time", SimpleNamespace(monotonic=lambda: moment[0]))
    return moment


@pytest.fixture
def sessions(db, monkeypatch):
    """Each session the app opens, by `write` (the SQLite write lock for mutations)."""
    opened: list[bool] = []
    original = db.session

    def session(*, write: bool = False, **options):
        opened.append(write)
        return original(write=write, **options)

    monkeypatch.setattr(db, "session", session)
    return opened


def throttle_of(client):
    return client._transport.app.state.endpoint.budget.throttle


async def post(client, query, token=None, accept=GRAPHQL_RESPONSE, **extra):
    headers = {"accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post("/graphql", json={"query": query, **extra}, headers=headers)


def code_of(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize("document", [TWO_QUERIES, TWO_MUTATIONS])
@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_several_operations_need_an_operation_name(
    client, token, sessions, document, anonymous, accept
):
    response = await post(client, document, None if anonymous else token, accept)

    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert "operationName" in response.json()["errors"][0]["message"]
    assert sessions == []  # nothing ran: no unit of work was even opened
    assert (await post(client, VIEWER, token)).status_code == 200


async def test_an_unknown_operation_name_is_refused(client, token, sessions):
    response = await post(client, TWO_QUERIES, token, operationName="C")

    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert sessions == []


async def test_the_selected_mutation_is_locked_and_costed(client, token, sessions):
    response = await post(client, "query Q { viewer { kind } } " + UPDATE, token, operationName="M")

    assert response.status_code == 200
    assert response.json()["extensions"]["cost"]["requestedQueryCost"] == 11
    assert sessions[0] is True  # the unit of work takes the write lock (SQLite) up front


async def test_the_selected_query_is_costed(client, token, sessions):
    document = f"query Big {COST_902} query Small {{ viewer {{ kind }} }}"

    small = await post(client, document, token, operationName="Small")
    read_only = sessions[0]
    big = await post(client, document, token, operationName="Big")

    assert small.json()["extensions"]["cost"]["requestedQueryCost"] == 1
    assert big.json()["extensions"]["cost"]["requestedQueryCost"] == 902
    assert read_only is False


async def test_a_selected_mutation_over_get_is_405(client, token):
    response = await client.get(
        "/graphql",
        params={"query": "query Q { viewer { kind } } " + UPDATE, "operationName": "M"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 405


@pytest.mark.parametrize(("name", "status"), [("A", 200), ("B", 401)])
async def test_the_selected_operation_is_the_one_authorized(client, name, status):
    document = "query A { __typename } query B { customers { totalCount } }"

    response = await post(client, document, operationName=name)

    assert response.status_code == status


@pytest.fixture
async def committed(database: Database):
    """Requests that run concurrently need their own transactions: committed, cleaned after."""
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def test_concurrent_requests_cannot_overdraw_one_bucket(
    committed, settings, now, monkeypatch
):
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        token = await token_for(session, await make_user(session, partner, Role.VIEWER))
        await session.commit()
    app = create_app(settings, database=committed)
    # Admitted operations wait at the start of execution until every request has either
    # started executing or been answered: all eight are in flight at once, none refunded yet.
    endpoint, entered, release = app.state.endpoint, [], asyncio.Event()
    execute = endpoint.schema.execute

    async def gated(*args, **kwargs):
        entered.append(1)
        await release.wait()
        return await execute(*args, **kwargs)

    monkeypatch.setattr(endpoint.schema, "execute", gated)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as c:
        # when: eight 902-point queries at once from a 1,000-point bucket
        calls = [asyncio.create_task(post(c, COST_902, token)) for _ in range(8)]
        for _ in range(600):
            if len(entered) + sum(call.done() for call in calls) == len(calls):
                break
            await asyncio.sleep(0.05)
        release.set()
        responses = await asyncio.gather(*calls)
        after = await post(c, VIEWER, token)

    # then one fits; the others are throttled, not admitted on a stale look at the bucket
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [429] * 7
    assert all(code_of(r) == "THROTTLED" for r in responses if r.status_code == 429)
    assert after.status_code == 200


async def test_the_unused_part_of_a_reservation_is_refunded(client, token, now):
    first = await post(client, COST_902, token)
    second = await post(client, COST_902, token)  # fits only because the first was refunded

    cost = first.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 902
    assert cost["actualQueryCost"] == 2  # an empty page
    assert cost["throttleStatus"]["currentlyAvailable"] == 1000 - 2
    assert second.status_code == 200
    assert second.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 996


async def test_retry_after_rounds_up_and_matches_the_body(client, session, token, now):
    response = await post(client, VIEWER, token)  # bucket now known, 999 points after refund
    assert response.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 999
    key = f"token:{await _token_id(session, token)}"
    throttle_of(client).spend(key, 999 - 392)  # 392 left: 510 missing, 10.2 s at 50/s

    refused = await post(client, COST_902, token)
    now[0] += 10  # what a client rounding down would wait
    still_refused = await post(client, COST_902, token)
    now[0] += 1
    admitted = await post(client, COST_902, token)

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "11"
    assert "retry in 11 s" in refused.json()["errors"][0]["message"]
    assert still_refused.status_code == 429
    assert still_refused.headers["retry-after"] == "1"
    assert admitted.status_code == 200


async def test_anonymous_callers_have_a_bucket_per_address(client, token, now):
    introspection = "{ __schema { queryType { name } } }"
    first = await post(client, introspection)
    assert first.status_code == 200
    assert first.json()["extensions"]["cost"]["requestedQueryCost"] == 10
    throttle_of(client).spend("anonymous:127.0.0.1", 1000)

    throttled = await post(client, introspection)
    with_token = await post(client, VIEWER, token)
    transport = httpx.ASGITransport(app=client._transport.app, client=("10.0.0.2", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        elsewhere = await post(other, introspection)

    assert throttled.status_code == 429
    assert code_of(throttled) == "THROTTLED"
    assert int(throttled.headers["retry-after"]) >= 1
    assert with_token.status_code == 200
    assert elsewhere.status_code == 200


async def _token_id(session, token: str) -> int:
    from sqlalchemy import select

    from app.models import ApiToken
    from app.services.partners.tokens import hash_token

    return await session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token)))
