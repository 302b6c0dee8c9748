"""Fixtures shared by the funds tests."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.withdrawal_helpers import HOLDER


@pytest.fixture
async def world(session):
    """An OTHER-entity partner, its FINANCE token and a platform token."""
    partner = await make_partner(session, certified_company_name=HOLDER)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance), await platform_token(session)
