"""Every id the API hands out resolves through `node` and `nodes`.

Walks the schema's `Node` implementers: each has a loader and a type in the node registry, and
for each an id of the demo's data round-trips (`node(id)` gives the object back with the same
id, as the platform and as the owning partner's ADMIN). The audit log's `objectId`s of the same
data resolve too (or are null for objects without a global id).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from app import clock
from app.main import create_app
from app.models import PartnerUser
from app.models.partners.enums import PrincipalKind, Role
from app.resolvers.core.nodes import NODE_LOADERS
from app.schema import schema
from app.schema.core.roots import NODE_TYPES
from app.services.partners.tokens import create_token
from tests.conftest import NOW, IsolatedDatabase
from tests.core.probe_world import World, build_world, owner_column
from tests.factories import gql

NODE = """
query Node($id: ID!) { node(id: $id) { __typename id } }
"""
NODES = """
query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }
"""
AUDIT = """
query Audit($after: String) {
  auditEvents(first: 100, after: $after) {
    nodes { objectType objectId }
    pageInfo { hasNextPage endCursor }
  }
}
"""
# Readable by the platform only (the outbox carries secrets in flight).
PLATFORM_ONLY = {"Notification"}


def implementers() -> list[str]:
    graphql_schema = schema._schema
    node = graphql_schema.type_map["Node"]
    return sorted(t.name for t in graphql_schema.get_possible_types(node))


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
async def client(world: World, settings) -> AsyncIterator[httpx.AsyncClient]:
    nested = await world.connection.begin_nested()
    unthrottled = settings.model_copy(update={"throttle_maximum_available": 10**9})
    app = create_app(unthrottled, database=world.db)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as c:
            yield c
    finally:
        await nested.rollback()


async def _tokens(world: World) -> tuple[str, str]:
    """(the platform's token, partner A's ADMIN token)."""
    async with world.db.session() as session:
        admin = await session.scalar(
            select(PartnerUser)
            .where(PartnerUser.partner_id == world.a, PartnerUser.role == Role.ADMIN)
            .order_by(PartnerUser.id)
        )
        assert admin is not None
        platform = await create_token(session, PrincipalKind.PLATFORM)
        owner = await create_token(
            session, PrincipalKind.PARTNER_USER, partner_id=world.a, partner_user_id=admin.id
        )
        await session.commit()
    return platform, owner


def _an_id(world: World, type_name: str) -> str:
    ids = world.a_candidates.get(type_name) or [world.b_ids[type_name]]
    return ids[0]


def test_every_node_implementer_is_registered():
    names = implementers()

    assert "ConsumptionDetail" in names
    assert sorted(NODE_TYPES) == names
    assert sorted(NODE_LOADERS) == names


@pytest.mark.parametrize("type_name", implementers())
async def test_an_id_of_each_node_type_resolves(world, client, type_name):
    # given an id the API handed out for an object of the demo, and who reads it: the
    # owning partner's ADMIN, or the platform for what no partner owns or reads
    platform, owner = await _tokens(world)
    global_id = _an_id(world, type_name)
    expected = {"__typename": type_name, "id": global_id}
    shared = type_name in PLATFORM_ONLY or owner_column(type_name) is None
    token = platform if shared else owner

    # when
    one = await gql(client, NODE, {"id": global_id}, token=token)
    many = await gql(client, NODES, {"ids": [global_id, global_id]}, token=token)

    # then both resolve it to itself
    assert one["data"]["node"] == expected, one
    assert many["data"]["nodes"] == [expected, expected], many


async def test_every_object_id_of_the_audit_log_resolves(world, client):
    # given partner A's audit log
    _, owner = await _tokens(world)
    ids: set[str] = set()
    after = None
    while True:
        body = await gql(client, AUDIT, {"after": after}, token=owner)
        page = body["data"]["auditEvents"]
        ids |= {e["objectId"] for e in page["nodes"] if e["objectId"] is not None}
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert ids

    # when each id is asked for by the partner whose log it is
    missing = []
    for global_id in sorted(ids):
        body = await gql(client, NODE, {"id": global_id}, token=owner)
        if body["data"]["node"] is None:
            missing.append(global_id)

    # then all resolve
    assert missing == []
