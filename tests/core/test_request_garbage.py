"""A request's objects are freed by reference counting when it ends, not left as one big
reference cycle for the cyclic collector (whose full passes over it stalled every request in
the process: `Loaders.release`, app/loaders/__init__.py)."""

from __future__ import annotations

import gc
import weakref

from app.models.partners.enums import Role
from app.schema.customers.customers import Customer
from app.schema.customers.resources import Resource
from tests.factories import gql, make_customer, make_partner, make_resource, make_user, token_for

LIST = """
{ customers(first: 10) { totalCount nodes { id name account { balance { amount } }
  accountManager { name } resources(first: 5) { totalCount nodes { id status } }
  consumption { amounts { amountDue { amount } } } } } }
"""


async def test_a_customer_page_leaves_no_cycle_behind(client, session, monkeypatch):
    partner = await make_partner(session)
    manager = await make_user(session, partner, Role.SALES)
    for _ in range(3):
        customer = await make_customer(session, partner, manager=manager)
        await make_resource(session, customer)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))
    await session.commit()

    made: list[weakref.ref] = []
    for kind in (Customer, Resource):
        original = kind.from_row.__func__

        def recording(cls, row, original=original):
            value = original(cls, row)
            made.append(weakref.ref(value))
            return value

        monkeypatch.setattr(kind, "from_row", classmethod(recording))

    gc.collect()
    gc.disable()
    try:
        body = await gql(client, LIST, token=token)
        assert "errors" not in body
        assert len(made) >= 6
        alive = [ref() for ref in made if ref() is not None]
        assert alive == []
    finally:
        gc.enable()
