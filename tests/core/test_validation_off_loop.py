"""Validation never holds the event loop (issue 12, class 1): a document not seen before is
parsed and validated in a worker thread, once; execution reuses that work.

Nothing here is timed: the test records which thread validated, counts how often strawberry
parsed or validated, and checks the order in which two concurrent requests are answered.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import strawberry.schema.schema as strawberry_schema

from app.http.documents import DocumentInspector
from app.models.partners.enums import Role
from tests.factories import make_partner, make_user, token_for


@pytest.fixture
async def headers(session):
    partner = await make_partner(session)
    user = await make_user(session, partner, Role.VIEWER)
    token = await token_for(session, user)
    await session.commit()
    return {"Authorization": f"Bearer {token}"}


def _unique(n: int) -> str:
    # a document no earlier request sent: its inspection is not cached
    return f"query Unique{n}_{time.monotonic_ns()} {{ viewer {{ kind }} }}"


async def test_a_new_document_is_validated_off_the_loop_and_kept_from_its_second_request(
    client, headers, monkeypatch
):
    threads: list[threading.Thread] = []
    real = DocumentInspector.inspect_uncached

    def recording(self, query):
        threads.append(threading.current_thread())
        return real(self, query)

    monkeypatch.setattr(DocumentInspector, "inspect_uncached", recording)
    query = _unique(1)
    for _ in range(4):
        r = await client.post("/graphql", json={"query": query}, headers=headers)
        assert r.json()["data"] == {"viewer": {"kind": "PARTNER_USER"}}
    # the first sight is not kept (a stream of distinct documents never fills the cache); the
    # second is, and the third and fourth requests reuse it
    assert len(threads) == 2
    assert all(t is not threading.main_thread() for t in threads)


async def test_execution_does_not_parse_or_validate_again(client, headers, monkeypatch):
    calls = {"parse": 0, "validate": 0}
    real_parse, real_validate = strawberry_schema.parse, strawberry_schema.validate_document

    def parse(*args, **kwargs):
        calls["parse"] += 1
        return real_parse(*args, **kwargs)

    def validate_document(*args, **kwargs):
        calls["validate"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "parse", parse)
    monkeypatch.setattr(strawberry_schema, "validate_document", validate_document)
    r = await client.post("/graphql", json={"query": _unique(2)}, headers=headers)
    assert r.json()["data"] == {"viewer": {"kind": "PARTNER_USER"}}
    assert calls == {"parse": 0, "validate": 0}


async def test_rules_strawberry_adds_are_still_enforced(client, headers):
    # an argument without a value where the schema requires one: graphql-core's rules
    r = await client.post("/graphql", json={"query": "{ customer { name } }"}, headers=headers)
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in r.json()


async def test_a_slow_validation_does_not_hold_other_requests(client, headers, monkeypatch):
    """While one document is being validated (made slow here), a request for another,
    already cached document is answered first: the loop was free all along."""
    real = DocumentInspector.inspect_uncached
    slow_query = _unique(3)
    started = threading.Event()

    def slow(self, query):
        if query == slow_query:
            started.set()
            time.sleep(0.5)  # stands for tens of ms of pure-Python validation work
        return real(self, query)

    monkeypatch.setattr(DocumentInspector, "inspect_uncached", slow)
    fast_query = "{ viewer { kind } }"
    await client.post("/graphql", json={"query": fast_query}, headers=headers)  # cached now

    answered: list[str] = []

    async def send(name: str, query: str) -> None:
        r = await client.post("/graphql", json={"query": query}, headers=headers)
        assert r.json()["data"] == {"viewer": {"kind": "PARTNER_USER"}}
        answered.append(name)

    slow_task = asyncio.create_task(send("slow", slow_query))
    assert await asyncio.to_thread(started.wait, 5)
    await send("fast", fast_query)
    await slow_task
    assert answered == ["fast", "slow"]


async def test_the_cache_is_bounded_by_the_documents_size():
    from app.schema import schema

    inspector = DocumentInspector(schema._schema, 2_000, schema.validation_limits)
    queries = [_unique(10 + i) + " " * 300 for i in range(20)]
    for query in queries:
        assert (await inspector.inspect(query)).errors == []
        assert query not in inspector._cache, "a document seen once is not kept"
    for query in queries:
        assert (await inspector.inspect(query)).errors == []
    assert inspector._cache.currsize <= 2_000
    assert 0 < len(inspector._cache) < len(queries)
    assert queries[-1] in inspector._cache and queries[0] not in inspector._cache
    # a document larger than the whole cache is inspected, and not kept
    big = _unique(99) + " " * 2_100
    for _ in range(2):
        assert (await inspector.inspect(big)).errors == []
    assert big not in inspector._cache


def test_validation_leaves_no_cycles_of_its_rules_behind():
    """The rules' instances are emptied after validating, so what they gathered is freed by
    reference counting, not left for the collector's full passes (which stop every thread)."""
    import gc

    from graphql import parse

    from app.schema import schema

    inspector = DocumentInspector(schema._schema, 2_000, schema.validation_limits)
    fragments = " ".join(
        f"fragment F{i} on Customer {{ id name resources(first: 2) {{ nodes {{ id }} }} }}"
        for i in range(12)
    )
    spreads = " ".join(f"...F{i}" for i in range(12))
    document = parse(f"{{ customers(first: 2) {{ nodes {{ {spreads} }} }} }} {fragments}")

    def cyclic_garbage(validate) -> int:
        gc.collect()
        gc.disable()
        try:
            assert validate() == []
            return gc.collect()
        finally:
            gc.enable()

    from graphql import validate

    from app.schema.core.documents import VALIDATION_RULES

    plain = cyclic_garbage(lambda: validate(schema._schema, document, VALIDATION_RULES))
    ours = cyclic_garbage(lambda: inspector._validate(document, VALIDATION_RULES))
    assert ours * 2 < plain, (ours, plain)
