"""`CASES` entries of the partners' user and token mutations (see `mutation_cases`)."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ApiToken
from app.models.partners.enums import Role
from tests.core.mutation_cases import case, gid, partner_with
from tests.factories import make_user, token_for

# --- users and tokens ---------------------------------------------------------------------


@case("createPartnerUser")
async def _create_partner_user(session, client):
    _partner, admin = await partner_with(session)
    return admin, {"name": "BI tool", "email": "bi@example.com", "role": "VIEWER"}


@case("updatePartnerUser")
async def _update_partner_user(session, client):
    partner, admin = await partner_with(session)
    user = await make_user(session, partner, Role.VIEWER)
    return admin, {"userId": gid("PartnerUser", user), "role": "FINANCE"}


@case("deactivatePartnerUser")
async def _deactivate_partner_user(session, client):
    partner, admin = await partner_with(session)
    user = await make_user(session, partner, Role.SALES)
    return admin, {"userId": gid("PartnerUser", user)}


@case("createApiToken")
async def _create_api_token(session, client):
    partner, admin = await partner_with(session)
    user = await make_user(session, partner, Role.VIEWER)
    return admin, {"userId": gid("PartnerUser", user), "label": "BI tool"}


@case("revokeApiToken")
async def _revoke_api_token(session, client):
    partner, admin = await partner_with(session)
    user = await make_user(session, partner, Role.VIEWER)
    await token_for(session, user)
    token = await session.scalar(select(ApiToken).where(ApiToken.partner_user_id == user.id))
    return admin, {"tokenId": gid("ApiToken", token)}
