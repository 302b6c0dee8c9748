"""The two-tenant probe, generated from the schema: partner B never reaches partner A.

For every root query field and every mutation that takes an id (an `ID` or `[ID]` anywhere in
its arguments, nested inputs included), found by walking the schema, partner B's principals
(ADMIN, FINANCE, SALES, VIEWER and one of B's customers) call it with partner A's ids — one per
status of the right type, and one of a wrong type — the other arguments generated valid from
their types (B's own ids where another id is needed). Each answer must hold nothing of A (none
of A's global ids, names, emails or references), a mutation must be refused (`NOT_FOUND`, or
`FORBIDDEN` for a role), and every row A owns must be unchanged afterwards. Query fields without
an id argument are called too and scanned the same way.

New fields are covered automatically; a field whose arguments the generator cannot build fails
with a message naming the field and the argument (tests/core/probe_generator.py). The one
exception: ids of objects no tenant owns (`SHARED` below) are never A's, so those slots get B's
usable value and are probed with A's ids of a wrong type only.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app import clock
from app.globalid import from_global_id, to_global_id
from app.main import create_app
from app.schema.core.roots import NODE_TYPES
from tests.conftest import NOW, IsolatedDatabase
from tests.core import probe_generator as gen
from tests.core.probe_world import World, build_world, owner_column, snapshot

# Node types no tenant owns (no `partner_id`): the only exception to "A's ids of the right type".
SHARED = {
    "Product": "the vendor's shared catalog",
    "ReservedCompany": "the vendor's list of reserved company names (platform-managed)",
}
MISSING = 10**12  # a row id that exists in no table
PRINCIPALS = ["ADMIN", "FINANCE", "SALES", "VIEWER", "CUSTOMER"]
REFUSALS = {"FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"}


def _has_slots(root: gen.RootField) -> bool:
    try:
        return bool(gen.id_slots(root))
    except gen.NoRule:
        return True  # probed, and its test says which rule is missing


FIELDS = [f for f in gen.root_fields() if f.operation == "query" or _has_slots(f)]


@pytest.fixture(scope="module")
async def world(database, settings) -> AsyncIterator[World]:
    previous = clock.use_clock(clock.FrozenClock(NOW))
    try:
        async with database.engine.connect() as connection:
            outer = await connection.begin()
            try:
                yield await build_world(connection, IsolatedDatabase(database, connection))
            finally:
                await outer.rollback()
    finally:
        clock.use_clock(previous)


@pytest.fixture
async def probe(world: World, settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the world; whatever a test changes is rolled back after it."""
    nested = await world.connection.begin_nested()
    # the probe sends hundreds of requests per token: a bucket that never runs dry
    unthrottled = settings.model_copy(update={"throttle_maximum_available": 10**9})
    app = create_app(unthrottled, database=world.db)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        await nested.rollback()


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    """(key, string) of every string in a JSON value."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []


def _echo(key: str, value: str, sent: set[str]) -> bool:
    """The caller's own input given back (`items { customerId }`), not an object's `id`."""
    return value in sent and key != "id" and not key.endswith("_id")


def _leaks(world: World, body: Any, sent: set[str]) -> list[str]:
    """A's ids and distinctive values anywhere in the answer (messages: as substrings)."""
    found = [
        s
        for k, s in _strings(body)
        if (s in world.a_ids or s in world.a_strings) and not _echo(k, s, sent)
    ]
    messages = [e.get("message", "") for e in body.get("errors") or []]
    messages += [m for _, m in _strings(body.get("data")) if " " in m]
    found += [a for m in messages for a in world.a_strings if " " in a and a in m]
    return found


def _refusal(root: gen.RootField, body: dict[str, Any]) -> Any:
    payload = (body.get("data") or {}).get(root.name) or {}
    return body.get("errors") or payload.get("userErrors")


def _mutation_problem(root: gen.RootField, body: dict[str, Any]) -> str | None:
    """None when the mutation was refused as it must be: NOT_FOUND or a role's FORBIDDEN
    (or a refusal that does not look at the id: checked against a missing id by the caller)."""
    errors = body.get("errors")
    if errors:
        codes = {e.get("extensions", {}).get("code") for e in errors}
        return None if codes <= REFUSALS else f"top-level codes {sorted(map(str, codes))}"
    payload = (body.get("data") or {}).get(root.name) or {}
    codes = {e["code"] for e in payload.get("userErrors") or []}
    if not codes:
        return "succeeded"
    return None if "NOT_FOUND" in codes else f"userErrors {sorted(codes)}"


async def _call(
    world: World, client: httpx.AsyncClient, root: gen.RootField, principal: str, values: dict
) -> tuple[list[str], Any]:
    """Send one probe; the problems found in its answer."""
    sent = {s for _, s in _strings(values)}
    types = {from_global_id(s)[0] for s in sent if s in world.a_ids or s in world.b_ids.values()}
    query = gen.document(root, values, types or None)
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": values},
        headers={"Authorization": f"Bearer {world.tokens[principal]}"},
    )
    world.requests += 1
    where = f"{principal} {json.dumps(values, ensure_ascii=False)}"
    problems: list[str] = []
    body = response.json()
    if response.status_code not in (200, 400):
        problems.append(f"{where}: HTTP {response.status_code} {response.text[:300]}")
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    if not codes <= REFUSALS:
        problems.append(f"{where}: error codes {sorted(map(str, codes))}: {response.text[:300]}")
    if leaks := _leaks(world, body, sent):
        problems.append(f"{where}: A's values in the answer {leaks[:5]}: {response.text[:300]}")
    if root.operation == "mutation" and (problem := _mutation_problem(root, body)):
        problems.append(f"{where}: must be refused, {problem}: {response.text[:300]}")
    return problems, body


async def _probe(
    world: World, client: httpx.AsyncClient, root: gen.RootField, principal: str, values, missing
) -> list[str]:
    problems, body = await _call(world, client, root, principal, values)
    if problems and missing is not None and root.operation == "mutation":
        # refused before the id is looked at (a rule about the caller, not the object): the
        # same answer as for an object that does not exist is indistinguishable, so no leak
        _, other = await _call(world, client, root, principal, missing)
        refused = _refusal(root, body)
        if refused and refused == _refusal(root, other):
            problems = [p for p in problems if "must be refused" not in p]
    return problems


def _probes(world: World, root: gen.RootField) -> list[tuple[dict[str, Any], dict | None]]:
    """The argument sets sent for the field, A's ids at each id slot in turn, each with the
    same call naming a missing object of the slot's type (what a refusal must look like)."""
    slots = gen.id_slots(root)
    if not slots:
        return [(gen.arguments(root, world.own_id), None)]
    probes: list[tuple[dict[str, Any], dict | None]] = []
    for slot in slots:
        if slot.type_name == gen.ANY:
            foreign = sorted(gid for ids in world.a_candidates.values() for gid in ids)
        elif slot.type_name in SHARED:
            foreign = []
        else:
            foreign = list(world.a_candidates[slot.type_name])
        if slot.type_name != gen.ANY:
            foreign.append(world.wrong_type_id(slot.type_name))
        missing = to_global_id("Customer" if slot.type_name == gen.ANY else slot.type_name, MISSING)
        for gid in foreign:
            probes.append(
                (
                    gen.arguments(root, world.own_id, slot, gid),
                    gen.arguments(root, world.own_id, slot, missing),
                )
            )
        if slot.path == ("ids",):  # `nodes`: all of a type's at once, too
            for type_name in sorted(world.a_candidates):
                probes.append(({"ids": world.a_candidates[type_name]}, None))
    return probes


def test_shared_types_are_exactly_the_node_types_no_tenant_owns():
    unowned = {t for t in NODE_TYPES if owner_column(t) is None}
    assert unowned == set(SHARED)


def test_every_field_taking_an_id_is_probed():
    taking_ids = {f.label for f in gen.root_fields() if _has_slots(f)}
    assert taking_ids <= {f.label for f in FIELDS}
    assert len(taking_ids) > 60  # the walk found the schema's id arguments


@pytest.mark.parametrize("root", FIELDS, ids=[f.label for f in FIELDS])
async def test_partner_b_reaches_nothing_of_partner_a(world, probe, root):
    # given
    try:
        probes = _probes(world, root)
    except gen.NoRule as missing:
        pytest.fail(f"the probe cannot build {root.label}'s arguments: {missing}")
    before = await snapshot(world.connection, world.a)

    # when
    problems: list[str] = []
    for values, missing in probes:
        for principal in PRINCIPALS:
            problems += await _probe(world, probe, root, principal, values, missing)

    # then
    assert problems == [], f"{root.label}:\n" + "\n".join(problems[:20])
    after = await snapshot(world.connection, world.a)
    changed = [table for table in before if before[table] != after[table]]
    assert changed == [], f"{root.label} changed partner A's {changed}"


def test_the_world_gives_the_probe_an_object_of_a_of_every_owned_type(world):
    owned = {t for t in NODE_TYPES if t not in SHARED}
    assert {t for t, ids in world.a_candidates.items() if ids} == owned
    assert owned <= set(world.b_ids)  # B has its own of each, for the other arguments
    assert len(world.a_strings) > 100  # A's names, emails, references to look for
