"""Fixtures shared by this folder's tests."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    make_partner,
    make_user,
    platform_token,
    token_for,
)


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


@pytest.fixture
async def sales(session, partner):
    return await token_for(session, await make_user(session, partner, Role.SALES))


@pytest.fixture
async def platform(session):
    return await platform_token(session)
