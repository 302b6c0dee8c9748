"""`invitation_tokens`: an invitation's token hash, unique whatever partner, and the lookup
acceptance makes before it knows the partner."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.models import Invitation, InvitationToken
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus
from app.services.partners.tokens import hash_token
from tests.factories import global_id, gql, make_partner, make_user, platform_token, token_for
from tests.lifecycle.factories import make_invitation
from tests.lifecycle.invitation_helpers import RESEND
from tests.lifecycle.test_accept_invitation import accept, new_account


async def owner(session, raw):
    row = await session.get(InvitationToken, hash_token(raw), populate_existing=True)
    return None if row is None else (row.partner_id, row.invitation_id)


async def test_an_invitation_holds_its_token(session):
    partner = await make_partner(session)
    invitation, raw = await make_invitation(session, partner)

    assert await owner(session, raw) == (partner.id, invitation.id)


async def test_a_token_hash_taken_twice_is_refused_whatever_partner(session):
    first, second = await make_partner(session), await make_partner(session)
    invitation, raw = await make_invitation(session, first)
    user = await make_user(session, second)

    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                Invitation(
                    partner_id=second.id,
                    created_by_id=user.id,
                    channel=InvitationChannel.OFFLINE,
                    association_type=AssociationType.RESELLER,
                    company_name="Copycat Co., Ltd.",
                    token_hash=invitation.token_hash,
                    status=InvitationStatus.SENT,
                    sent_at=clock.now(),
                )
            )
            await session.flush()

    assert await owner(session, raw) == (first.id, invitation.id)
    same = select(Invitation.id).where(Invitation.token_hash == invitation.token_hash)
    assert (await session.scalars(same)).all() == [invitation.id]


async def test_acceptance_finds_the_invitation_through_the_platform_row(client, session):
    # given an open invitation whose platform row is missing (the lookup goes through it)
    partner = await make_partner(session)
    invitation, raw = await make_invitation(session, partner)
    platform = await platform_token(session)
    await session.execute(
        delete(InvitationToken).where(InvitationToken.invitation_id == invitation.id)
    )
    await session.flush()

    payload = await accept(client, platform, raw, new_account())

    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert payload["customer"] is None


async def test_a_resend_moves_the_platform_row_to_the_new_token(client, session):
    # given an offline invitation (a resend returns the new link)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner))
    invitation, old = await make_invitation(session, partner, channel=InvitationChannel.OFFLINE)

    # when it is resent
    body = await gql(client, RESEND, {"id": global_id("Invitation", invitation.id)}, token=token)

    # then only the new token finds it
    payload = body["data"]["resendInvitation"]
    assert payload["userErrors"] == []
    new = payload["invitationLink"].split("token=")[-1]
    assert await owner(session, old) is None
    assert await owner(session, new) == (partner.id, invitation.id)
    platform = await platform_token(session)
    refused = await accept(client, platform, old, new_account())
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    accepted = await accept(client, platform, new, new_account())
    assert accepted["userErrors"] == []
