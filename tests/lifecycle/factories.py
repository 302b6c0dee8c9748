"""Factories of acquisition and association-lifecycle rows (each flushes so ids exist)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import (
    AssociationChangeRequest,
    Authorization,
    Customer,
    DisassociationRequest,
    Invitation,
    Partner,
    PartnerUser,
    Registration,
    ReservedCompany,
)
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import (
    AssociationChangeKind,
    AssociationChangeStatus,
    AuthorizationStatus,
    DisassociationRequestStatus,
    InvitationChannel,
    InvitationStatus,
    RegistrationStatus,
)
from app.models.partners.enums import Role
from app.services.lifecycle.company_names import normalize_company_name
from app.services.lifecycle.invitation_links import new_token
from tests.factories import make_user

_seq = itertools.count(1)


async def _submitter(session: AsyncSession, partner: Partner) -> PartnerUser:
    return await make_user(session, partner, Role.SALES)


async def make_registration(
    session: AsyncSession,
    partner: Partner,
    *,
    company_name: str | None = None,
    credit_code: str | None = None,
    status: RegistrationStatus = RegistrationStatus.PENDING_REVIEW,
    contact_phone: str = "13800001111",
    submitted_at: datetime | None = None,
    expires_at: datetime | None = None,
    submitted_by: PartnerUser | None = None,
) -> Registration:
    n = next(_seq)
    name = company_name or f"Prospect {n} Technology Co., Ltd."
    now = clock.now()
    if status is RegistrationStatus.APPROVED and expires_at is None:
        expires_at = now + timedelta(days=10)
    user = submitted_by or await _submitter(session, partner)
    registration = Registration(
        partner_id=partner.id,
        submitted_by_id=user.id,
        company_name=name,
        normalized_name=normalize_company_name(name),
        credit_code=credit_code,
        contact_name="李四",
        contact_email=f"contact{n}@prospect.test",
        contact_phone=contact_phone,
        industry="零售",
        region="cn-east-3",
        note="",
        status=status,
        submitted_at=submitted_at or now - timedelta(hours=n),
        updated_at=now,
        expires_at=expires_at,
    )
    session.add(registration)
    await session.flush()
    return registration


async def make_invitation(
    session: AsyncSession,
    partner: Partner,
    *,
    registration: Registration | None = None,
    channel: InvitationChannel = InvitationChannel.OFFLINE,
    association_type: AssociationType = AssociationType.RESELLER,
    status: InvitationStatus = InvitationStatus.SENT,
    expires_at: datetime | None = None,
    company_name: str | None = None,
) -> tuple[Invitation, str]:
    """An invitation and its raw token (which a real one shows only once)."""
    n = next(_seq)
    raw, hashed = new_token()
    now = clock.now()
    user = await make_user(session, partner, Role.SALES)
    invitation = Invitation(
        partner_id=partner.id,
        registration_id=registration.id if registration else None,
        created_by_id=user.id,
        channel=channel,
        association_type=association_type,
        company_name=company_name
        or (registration.company_name if registration else f"Invitee {n} Co., Ltd."),
        contact_name="王五",
        recipient_email="",
        recipient_phone="",
        token_hash=hashed,
        status=status,
        created_at=now - timedelta(minutes=n),
        sent_at=now,
        send_count=1,
        expires_at=expires_at
        if expires_at is not None
        else (registration.expires_at if registration else None),
    )
    session.add(invitation)
    await session.flush()
    return invitation, raw


async def make_reserved_company(
    session: AsyncSession, name: str, credit_code: str | None = None
) -> ReservedCompany:
    reserved = ReservedCompany(
        company_name=name,
        normalized_name=normalize_company_name(name),
        credit_code=credit_code,
        reason="direct sales",
    )
    session.add(reserved)
    await session.flush()
    return reserved


async def make_authorization(
    session: AsyncSession,
    customer: Customer,
    *,
    proxy_order: bool = True,
    operations: bool = False,
    status: AuthorizationStatus = AuthorizationStatus.ACTIVE,
    ends_at: datetime | None = None,
) -> Authorization:
    partner = await session.get(Partner, customer.partner_id)
    assert partner is not None
    user = await make_user(session, partner, Role.SALES)
    authorization = Authorization(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        proxy_order=proxy_order,
        operations=operations,
        status=status,
        note="",
        ends_at=ends_at or clock.now() + timedelta(days=30),
        requested_by_id=user.id,
        requested_at=clock.now() - timedelta(days=1),
    )
    session.add(authorization)
    await session.flush()
    return authorization


async def make_change_request(
    session: AsyncSession,
    customer: Customer,
    *,
    kind: AssociationChangeKind = AssociationChangeKind.DISASSOCIATION,
    to_type: AssociationType | None = None,
    status: AssociationChangeStatus = AssociationChangeStatus.PENDING,
    requested_at: datetime | None = None,
    **fields: Any,
) -> AssociationChangeRequest:
    partner = await session.get(Partner, customer.partner_id)
    assert partner is not None
    user = await make_user(session, partner, Role.ADMIN)
    at = requested_at or clock.now()
    request = AssociationChangeRequest(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        kind=kind,
        from_type=customer.association_type,
        to_type=to_type,
        status=status,
        reason="",
        requested_by_id=user.id,
        requested_at=at,
        expires_at=fields.pop("expires_at", at + timedelta(days=15)),
        **fields,
    )
    session.add(request)
    await session.flush()
    return request


async def make_disassociation_request(
    session: AsyncSession,
    customer: Customer,
    *,
    status: DisassociationRequestStatus = DisassociationRequestStatus.PENDING,
    filed_at: datetime | None = None,
) -> DisassociationRequest:
    at = filed_at or clock.now()
    request = DisassociationRequest(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        status=status,
        reason="moving on",
        filed_at=at,
        auto_approve_at=at + timedelta(days=15),
        blocked_by=[],
    )
    session.add(request)
    await session.flush()
    return request
