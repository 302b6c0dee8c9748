"""Fixtures shared by the invoices tests."""

from __future__ import annotations

import pytest

from tests.invoices.helpers import make_world


@pytest.fixture
async def world(session):
    """A partner with a user of every role, a customer, and a second partner."""
    return await make_world(session)
