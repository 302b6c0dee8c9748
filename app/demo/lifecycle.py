"""Demo data of customer acquisition and the association lifecycle (part of `seed-demo`).

Registrations in every status, invitations (online with their outbox messages, offline,
accepted, revoked, expired), authorizations, a pending association change the demo CUSTOMER
token can answer, and a customer's pending disassociation request. Created once per partner
(recognised by the partner having registrations); times are relative to the seeding moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import (
    AssociationChangeRequest,
    Authorization,
    CloudAccount,
    Customer,
    DisassociationRequest,
    Invitation,
    Notification,
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
    NotificationChannel,
    RegistrationStatus,
)
from app.models.partners.enums import Role
from app.services.lifecycle.company_names import normalize_company_name
from app.services.lifecycle.invitation_links import TEMPLATE, invitation_link
from app.services.partners.tokens import hash_token

S = RegistrationStatus
# (company, status, days since submission, credit code)
REGISTRATIONS = [
    ("{p}星火新能源科技有限公司", S.PENDING_REVIEW, 1, None),
    ("{p}蓝鲸物流有限公司", S.PENDING_REVIEW, 2, "91110000MA01ABCD1X"),
    ("{p}远山教育科技有限公司", S.APPROVED, 4, None),
    ("{p}海棠医疗器械有限公司", S.APPROVED, 6, None),
    ("{p}金桥贸易有限公司", S.REJECTED, 9, None),
    ("{p}白鹭文化传媒有限公司", S.WITHDRAWN, 12, None),
    ("{p}青藤软件有限公司", S.ASSOCIATED, 14, None),
    ("{p}松果游戏有限公司", S.EXPIRED, 40, None),
]


async def seed_lifecycle(session: AsyncSession, partner: Partner, prefix: str) -> bool:
    """Create the partner's lifecycle demo rows unless it has some; True if created."""
    if await session.scalar(select(func.count()).where(Registration.partner_id == partner.id)):
        return False
    now = clock.now().replace(second=0, microsecond=0)
    users = (
        await session.scalars(
            select(PartnerUser).where(PartnerUser.partner_id == partner.id).order_by(PartnerUser.id)
        )
    ).all()
    admin = next(u for u in users if u.role is Role.ADMIN)
    sales = next(u for u in users if u.role is Role.SALES)
    registrations = [
        await _registration(session, partner, sales, spec, prefix, n, now)
        for n, spec in enumerate(REGISTRATIONS)
    ]
    await _invitations(session, partner, sales, registrations, prefix, now)
    customers = (
        await session.scalars(
            select(Customer)
            .where(Customer.partner_id == partner.id, Customer.ended_at.is_(None))
            .order_by(Customer.id)
            .limit(8)
        )
    ).all()
    await _association_changes(session, partner, admin, customers, now)
    await _authorizations(session, partner, sales, customers, now)
    if prefix == "cb":
        session.add(
            ReservedCompany(
                company_name="国家电网示范客户有限公司",
                normalized_name=normalize_company_name("国家电网示范客户有限公司"),
                reason="vendor direct sales",
                created_at=now,
            )
        )
    await session.flush()
    return True


async def _registration(
    session: AsyncSession,
    partner: Partner,
    sales: PartnerUser,
    spec: tuple[str, RegistrationStatus, int, str | None],
    prefix: str,
    n: int,
    now: datetime,
) -> Registration:
    template, status, days, code = spec
    name = template.format(p="北京" if prefix == "cb" else "上海")
    submitted = now - timedelta(days=days)
    reviewed = submitted + timedelta(days=1) if status is not S.PENDING_REVIEW else None
    expires = None
    if status in (S.APPROVED, S.ASSOCIATED, S.EXPIRED, S.WITHDRAWN):
        expires = reviewed + timedelta(days=15)
    registration = Registration(
        partner_id=partner.id,
        submitted_by_id=sales.id,
        company_name=name,
        normalized_name=normalize_company_name(name),
        credit_code=f"{code[:-3]}{prefix.upper()}{n}" if code else None,
        contact_name="陈经理",
        contact_email=f"contact{n}@{prefix}-prospect.example",
        contact_phone=f"1390000{n:04d}",
        industry="制造",
        region="cn-north-4",
        expected_monthly_spend=Decimal(5000 + 1000 * n),
        note="",
        status=status,
        submitted_at=submitted,
        updated_at=reviewed or submitted,
        reviewed_at=reviewed,
        rejection_reason="与直销客户重叠" if status is S.REJECTED else "",
        expires_at=expires,
        withdrawn_at=now - timedelta(days=2) if status is S.WITHDRAWN else None,
    )
    session.add(registration)
    await session.flush()
    return registration


def _invitation(
    partner: Partner,
    sales: PartnerUser,
    key: str,
    channel: InvitationChannel,
    status: InvitationStatus,
    company: str,
    sent: datetime,
    expires: datetime | None,
    registration: Registration | None = None,
) -> Invitation:
    return Invitation(
        partner_id=partner.id,
        registration_id=registration.id if registration else None,
        created_by_id=sales.id,
        channel=channel,
        association_type=AssociationType.RESELLER,
        company_name=company,
        contact_name=registration.contact_name if registration else "周女士",
        recipient_email=registration.contact_email
        if registration and channel is InvitationChannel.ONLINE
        else "",
        recipient_phone=registration.contact_phone
        if registration and channel is InvitationChannel.ONLINE
        else "",
        # Demo tokens are not random (nobody is meant to accept them): only a hash is kept.
        token_hash=hash_token(f"demo-invitation-{key}"),
        status=status,
        created_at=sent,
        sent_at=sent,
        send_count=1,
        expires_at=expires,
    )


async def _invitations(
    session: AsyncSession,
    partner: Partner,
    sales: PartnerUser,
    registrations: list[Registration],
    prefix: str,
    now: datetime,
) -> None:
    approved = registrations[2]
    online = _invitation(
        partner,
        sales,
        f"{prefix}-online",
        InvitationChannel.ONLINE,
        InvitationStatus.SENT,
        approved.company_name,
        now - timedelta(days=1),
        approved.expires_at,
        approved,
    )
    session.add(online)
    await session.flush()
    for channel, recipient in (
        (NotificationChannel.EMAIL, online.recipient_email),
        (NotificationChannel.SMS, online.recipient_phone),
    ):
        session.add(
            Notification(
                partner_id=partner.id,
                channel=channel,
                recipient=recipient,
                template=TEMPLATE,
                payload={
                    "invitationId": online.id,
                    "link": invitation_link(f"demo-invitation-{prefix}-online"),
                    "partnerName": partner.name,
                    "companyName": online.company_name,
                    "associationType": "RESELLER",
                },
                created_at=online.sent_at,
            )
        )
    session.add_all(
        [
            _invitation(
                partner,
                sales,
                f"{prefix}-offline",
                InvitationChannel.OFFLINE,
                InvitationStatus.SENT,
                "杭州示例电子商务有限公司" if prefix == "cb" else "苏州示例数据服务有限公司",
                now - timedelta(days=2),
                None,
            ),
            _invitation(
                partner,
                sales,
                f"{prefix}-revoked",
                InvitationChannel.OFFLINE,
                InvitationStatus.REVOKED,
                "成都示例网络有限公司" if prefix == "cb" else "武汉示例网络有限公司",
                now - timedelta(days=8),
                None,
            ),
            _invitation(
                partner,
                sales,
                f"{prefix}-expired",
                InvitationChannel.ONLINE,
                InvitationStatus.EXPIRED,
                registrations[7].company_name,
                now - timedelta(days=38),
                now - timedelta(days=31),
                registrations[7],
            ),
        ]
    )
    await _accepted(session, partner, sales, registrations[6], prefix, now)


async def _accepted(
    session: AsyncSession,
    partner: Partner,
    sales: PartnerUser,
    registration: Registration,
    prefix: str,
    now: datetime,
) -> None:
    """The ASSOCIATED registration: its accepted invitation and the customer it created."""
    accepted_at = now - timedelta(days=10)
    account = CloudAccount(
        account_name=f"{prefix}_acct_invited",
        company_name=registration.company_name,
        normalized_company_name=registration.normalized_name,
        contact_name=registration.contact_name,
        contact_phone=registration.contact_phone,
        contact_email=registration.contact_email,
        industry=registration.industry,
        region=registration.region,
        created_at=accepted_at,
    )
    session.add(account)
    await session.flush()
    customer = Customer(
        partner_id=partner.id,
        cloud_account_id=account.id,
        name=account.company_name,
        account_name=account.account_name,
        association_type=AssociationType.RESELLER,
        associated_at=accepted_at,
        account_manager_id=sales.id,
        labels=["新签"],
        remark="",
        created_at=accepted_at,
    )
    session.add(customer)
    await session.flush()
    invitation = _invitation(
        partner,
        sales,
        f"{prefix}-accepted",
        InvitationChannel.OFFLINE,
        InvitationStatus.ACCEPTED,
        registration.company_name,
        accepted_at - timedelta(days=1),
        registration.expires_at,
        registration,
    )
    invitation.accepted_at = accepted_at
    invitation.accepted_customer_id = customer.id
    session.add(invitation)
    registration.associated_at = accepted_at
    registration.associated_customer_id = customer.id


async def _association_changes(
    session: AsyncSession,
    partner: Partner,
    admin: PartnerUser,
    customers: list[Customer],
    now: datetime,
) -> None:
    """A pending type switch for the demo CUSTOMER (first customer) and a customer request."""
    if len(customers) < 2:
        return
    first, last = customers[0], customers[-1]
    to_type = (
        AssociationType.REFERRAL
        if first.association_type is AssociationType.RESELLER
        else AssociationType.RESELLER
    )
    requested = now - timedelta(days=2)
    session.add(
        AssociationChangeRequest(
            partner_id=partner.id,
            customer_id=first.id,
            kind=AssociationChangeKind.TYPE_SWITCH,
            from_type=first.association_type,
            to_type=to_type,
            status=AssociationChangeStatus.PENDING,
            reason="客户业务调整",
            requested_by_id=admin.id,
            requested_at=requested,
            expires_at=requested + timedelta(days=15),
        )
    )
    filed = now - timedelta(days=3)
    session.add(
        DisassociationRequest(
            partner_id=partner.id,
            customer_id=last.id,
            status=DisassociationRequestStatus.PENDING,
            reason="改为直接与云厂商合作",
            filed_at=filed,
            auto_approve_at=filed + timedelta(days=15),
            blocked_by=[],
        )
    )


async def _authorizations(
    session: AsyncSession,
    partner: Partner,
    sales: PartnerUser,
    customers: list[Customer],
    now: datetime,
) -> None:
    resellers = [c for c in customers[1:-1] if c.association_type is AssociationType.RESELLER]
    specs = [
        (AuthorizationStatus.ACTIVE, True, True, 180),
        (AuthorizationStatus.PENDING, True, False, 90),
    ]
    for customer, (status, proxy, ops, days) in zip(resellers, specs, strict=False):
        session.add(
            Authorization(
                partner_id=partner.id,
                customer_id=customer.id,
                proxy_order=proxy,
                operations=ops,
                status=status,
                note="代客下单与续费",
                ends_at=now + timedelta(days=days),
                requested_by_id=sales.id,
                requested_at=now - timedelta(days=5),
                answered_at=now - timedelta(days=4)
                if status is AuthorizationStatus.ACTIVE
                else None,
            )
        )
