"""Demo partner notifications (part of `seed-demo`): what the partner would have been told of
its demo lifecycle rows, each at the time of its event -- registrations reviewed and lapsed,
the accepted invitation, the approved authorization, the customer's disassociation request.
The demo ADMIN has read the registration ones; everything else is unread for every user.
Created once per partner (recognised by the partner having notifications).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Authorization,
    Customer,
    DisassociationRequest,
    Invitation,
    Partner,
    PartnerNotification,
    PartnerNotificationRead,
    PartnerUser,
    Registration,
)
from app.models.lifecycle.enums import (
    AuthorizationStatus,
    DisassociationRequestStatus,
    InvitationStatus,
    RegistrationStatus,
)
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import Role

S = RegistrationStatus
APPROVED_ONCE = (S.APPROVED, S.ASSOCIATED, S.EXPIRED, S.WITHDRAWN)


def _row(
    partner: Partner,
    kind: Kind,
    subject: tuple[str, int],
    at: datetime,
    customer: Customer | None = None,
    **details: Any,
) -> PartnerNotification:
    if customer is not None:
        details = {"customerName": customer.name, **details}
    return PartnerNotification(
        partner_id=partner.id,
        customer_id=customer.id if customer is not None else None,
        kind=kind,
        subject_type=subject[0],
        subject_id=subject[1],
        payload=details,
        created_at=at,
    )


async def _registration_rows(session: AsyncSession, partner: Partner) -> list[PartnerNotification]:
    rows = []
    registrations = await session.scalars(
        select(Registration).where(Registration.partner_id == partner.id).order_by(Registration.id)
    )
    for r in registrations:
        subject, name = ("Registration", r.id), r.company_name
        if r.reviewed_at is None:
            continue
        if r.status is S.REJECTED:
            rows.append(
                _row(
                    partner,
                    Kind.REGISTRATION_REJECTED,
                    subject,
                    r.reviewed_at,
                    companyName=name,
                    reason=r.rejection_reason,
                )
            )
        elif r.status in APPROVED_ONCE and r.expires_at is not None:
            rows.append(
                _row(
                    partner,
                    Kind.REGISTRATION_APPROVED,
                    subject,
                    r.reviewed_at,
                    companyName=name,
                    expiresAt=r.expires_at.isoformat(),
                )
            )
            if r.status is S.EXPIRED:
                rows.append(
                    _row(
                        partner, Kind.REGISTRATION_EXPIRED, subject, r.expires_at, companyName=name
                    )
                )
    return rows


async def _customer_rows(session: AsyncSession, partner: Partner) -> list[PartnerNotification]:
    rows = []
    customers = {
        c.id: c
        for c in await session.scalars(select(Customer).where(Customer.partner_id == partner.id))
    }
    invitations = await session.scalars(
        select(Invitation).where(
            Invitation.partner_id == partner.id, Invitation.status == InvitationStatus.ACCEPTED
        )
    )
    for i in invitations:
        if i.accepted_customer_id in customers and i.accepted_at is not None:
            customer = customers[i.accepted_customer_id]
            rows.append(
                _row(
                    partner, Kind.INVITATION_ACCEPTED, ("Invitation", i.id), i.accepted_at, customer
                )
            )
    authorizations = await session.scalars(
        select(Authorization).where(
            Authorization.partner_id == partner.id,
            Authorization.status == AuthorizationStatus.ACTIVE,
        )
    )
    for a in authorizations:
        if a.answered_at is not None:
            rows.append(
                _row(
                    partner,
                    Kind.AUTHORIZATION_APPROVED,
                    ("Authorization", a.id),
                    a.answered_at,
                    customers[a.customer_id],
                )
            )
    requests = await session.scalars(
        select(DisassociationRequest).where(
            DisassociationRequest.partner_id == partner.id,
            DisassociationRequest.status == DisassociationRequestStatus.PENDING,
        )
    )
    for d in requests:
        rows.append(
            _row(
                partner,
                Kind.DISASSOCIATION_REQUESTED,
                ("DisassociationRequest", d.id),
                d.filed_at,
                customers[d.customer_id],
                reason=d.reason,
            )
        )
    return rows


async def seed_partner_notifications(session: AsyncSession, partner: Partner) -> bool:
    """Create the partner's demo notifications unless it has some; True if created."""
    count = select(func.count()).where(PartnerNotification.partner_id == partner.id)
    if await session.scalar(count):
        return False
    registration_rows = await _registration_rows(session, partner)
    rows = registration_rows + await _customer_rows(session, partner)
    rows.sort(key=lambda r: r.created_at)
    session.add_all(rows)
    await session.flush()
    admin = await session.scalar(
        select(PartnerUser)
        .where(PartnerUser.partner_id == partner.id, PartnerUser.role == Role.ADMIN)
        .order_by(PartnerUser.id)
    )
    if admin is not None:
        session.add_all(
            PartnerNotificationRead(
                partner_id=partner.id, user_id=admin.id, notification_id=r.id, read_at=r.created_at
            )
            for r in registration_rows
        )
    await session.flush()
    return bool(rows)
