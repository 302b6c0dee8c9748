"""Fixtures shared by the orders tests (each module keeps its own `world`)."""

from __future__ import annotations

import pytest

from app.models.customers.enums import AssociationType
from tests.factories import customer_token, make_customer


@pytest.fixture
async def referral(session, world):
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    return customer, await customer_token(session, customer)
