"""Fixtures shared by the coupons tests."""

from __future__ import annotations

import pytest

from tests.coupons.helpers import make_world


@pytest.fixture
async def world(session):
    """A partner with a user of every role, three RESELLER customers, a REFERRAL and a
    former one, and an ACTIVE quota of 1000.00 granted by the platform."""
    return await make_world(session)
