"""`CASES` entries of the partners' user and token mutations (see `mutation_cases`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.models import ApiToken, PartnerNotification
from app.models.partners.enums import PartnerNotificationKind, Role
from tests.core.mutation_cases import case, gid, partner_with
from tests.factories import make_partner, make_user, platform_token, token_for

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


# --- certification and notifications ------------------------------------------------------


@case("certifyPartner")
async def _certify_partner(session, client):
    partner = await make_partner(session, certification_expires_at=clock.now() - timedelta(days=1))
    return await platform_token(session), {
        "partnerId": gid("Partner", partner),
        "idempotencyKey": "audit-certify",
    }


@case("markPartnerNotificationsRead")
async def _mark_partner_notifications_read(session, client):
    partner, admin = await partner_with(session)
    notification = PartnerNotification(
        partner_id=partner.id,
        kind=PartnerNotificationKind.CERTIFICATION_EXPIRING,
        subject_type="Partner",
        subject_id=partner.id,
        payload={},
    )
    session.add(notification)
    await session.flush()
    return admin, {"ids": [gid("PartnerNotification", notification)]}
