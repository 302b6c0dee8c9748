"""Demo invoices for `seed-demo`, through the real services.

Per partner: three invoice profiles (a VAT_SPECIAL enterprise title, an individual's general
title, and the default VAT_GENERAL enterprise title, the newest) and invoices in every state
a console shows, each taking the oldest invoiceable money first:

- CANCELLED (the partner withdrew it) and REJECTED (the platform refused it, with a reason);
- RETURNED (issued, then returned: its amount is invoiceable again) and RETURN_REQUESTED
  (issued, the partner asked to return it, the platform has not answered);
- REQUESTED (awaiting the platform);
- ISSUED, covering everything else invoiceable, including a one-year RDS bought today that
  the customer then unsubscribed: its full refund (within 5 days) came back to the partner
  while the issued invoice still covers it, so that much of the partner's cash can't be
  withdrawn (`INVOICED_NOT_RETURNED`) until the invoice is returned.

Created once (a partner that has invoice profiles is left alone). The past is played with a
frozen clock, as in app/demo/orders.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.demo.orders import _as, _at, _new, _product, _user
from app.models import InvoiceProfile, Partner, Resource
from app.models.invoices.enums import InvoiceTitleType, InvoiceType
from app.models.orders.enums import OrderKind
from app.models.partners.enums import Role
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.invoices import profiles, requests, transitions
from app.services.invoices.invoiceable import invoiceable
from app.services.invoices.profile_rules import ProfileFields
from app.services.orders import orders
from app.services.orders import payments as order_payments
from app.services.orders.lines import LineInput
from app.services.partners.partners import is_certified

# Valid unified social credit codes (GB 32100-2015 check characters).
SPECIAL_TAX_ID = "91350100M000100Y43"
GENERAL_TAX_ID = "91440300708461136T"
RDS = "rds.mysql-x1-large-2.cn-north-4.ym"


def _profiles(partner: Partner) -> list[tuple[ProfileFields, bool]]:
    name = partner.certified_company_name or partner.name
    return [
        (
            ProfileFields(
                title_type=InvoiceTitleType.ENTERPRISE,
                invoice_type=InvoiceType.VAT_SPECIAL,
                title=name,
                tax_id=SPECIAL_TAX_ID,
                bank_name="中国工商银行北京海淀支行",
                bank_account="0200 0045 0920 0123 456",
                address="北京市海淀区中关村大街 1 号",
                phone="010-62345678",
            ),
            False,
        ),
        (
            ProfileFields(
                title_type=InvoiceTitleType.INDIVIDUAL,
                invoice_type=InvoiceType.VAT_GENERAL,
                title="张伟",
            ),
            False,
        ),
        (
            ProfileFields(
                title_type=InvoiceTitleType.ENTERPRISE,
                invoice_type=InvoiceType.VAT_GENERAL,
                title=f"{name} 普票",
                tax_id=GENERAL_TAX_ID,
            ),
            True,
        ),
    ]


async def _requestable(ctx: ServiceContext) -> Decimal:
    assert ctx.principal.partner_id is not None
    return (await invoiceable(ctx, ctx.principal.partner_id)).total


async def _request(ctx: ServiceContext, profile_id: int, share: Decimal) -> int | None:
    """An invoice of `share` of what is invoiceable now (None when nothing is)."""
    amount = (await _requestable(ctx) * share).quantize(Decimal("0.01"))
    if amount <= 0:
        return None
    return await requests.request_invoice(ctx, profile_id, amount=amount)


async def seed_invoices(session: AsyncSession, partner: Partner) -> bool:
    """Create the demo profiles and invoices of `partner` once; True when it did."""
    if not is_certified(partner):
        return False
    existing = await session.scalar(
        select(func.count())
        .select_from(InvoiceProfile)
        .where(InvoiceProfile.partner_id == partner.id)
    )
    if existing:
        return False
    finance = _as(session, await _user(session, partner, Role.FINANCE))
    admin = _as(session, await _user(session, partner, Role.ADMIN))
    platform = ServiceContext(session, Principal.system(), request_id="seed-demo")
    now = clock.now()
    made = []
    with _at(now - timedelta(days=25)):
        for fields, is_default in _profiles(partner):
            made.append(
                await profiles.create_invoice_profile(finance, fields, is_default=is_default)
            )
    general = made[-1]
    with _at(now - timedelta(days=20)):
        cancelled = await _request(finance, general, Decimal("0.10"))
        if cancelled is not None:
            await transitions.cancel_invoice_request(finance, cancelled)
    with _at(now - timedelta(days=18)):
        rejected = await _request(finance, general, Decimal("0.10"))
    if rejected is not None:
        with _at(now - timedelta(days=17)):
            await transitions.reject_invoice(platform, rejected, "抬头与营业执照上的名称不一致")
    await _issue_and_return(finance, platform, general, now, partner.id)
    with _at(now - timedelta(days=1)):
        await _request(finance, general, Decimal("0.20"))
    await _refunded_under_an_issued_invoice(session, partner, finance, admin, platform, general)
    return True


async def _issue_and_return(
    finance: ServiceContext,
    platform: ServiceContext,
    profile_id: int,
    now: datetime,
    partner_id: int,
) -> None:
    """One invoice issued and returned, one issued with its return still pending."""
    numbers = iter([f"044{partner_id % 1000:03d}61", f"044{partner_id % 1000:03d}62"])
    for share, asked_days_ago, returned in (
        (Decimal("0.25"), 15, True),
        (Decimal("0.30"), 10, False),
    ):
        with _at(now - timedelta(days=asked_days_ago)):
            invoice = await _request(finance, profile_id, share)
        if invoice is None:
            continue
        issued_on = now - timedelta(days=asked_days_ago - 1)
        with _at(issued_on):
            await transitions.issue_invoice(
                platform, invoice, next(numbers), clock.business_date(issued_on)
            )
        with _at(now - timedelta(days=3)):
            await transitions.request_invoice_return(finance, invoice, "发票抬头有误: 申请退票重开")
        if returned:
            with _at(now - timedelta(days=2)):
                await transitions.confirm_invoice_return(platform, invoice)


async def _refunded_under_an_issued_invoice(
    session: AsyncSession,
    partner: Partner,
    finance: ServiceContext,
    admin: ServiceContext,
    platform: ServiceContext,
    profile_id: int,
) -> None:
    """Today: a one-year RDS paid by the partner, everything invoiceable invoiced and
    issued, then the RDS unsubscribed: its full refund stays covered by the invoice."""
    from app.demo.coupons import _authorized_resellers

    customers = await _authorized_resellers(session, partner)
    if not customers:
        return
    customer = customers[-1]
    bought = await orders.create_proxy_order(
        admin, customer.id, [_new(await _product(session, RDS), years=1)]
    )
    await order_payments.pay_orders(finance, [bought.id])
    amount = await _requestable(finance)
    invoice = await requests.request_invoice(finance, profile_id, amount=amount)
    number = f"2411200000000000{partner.id % 10000:04d}"
    await transitions.issue_invoice(platform, invoice, number, clock.business_date(clock.now()))
    resource = await session.scalar(
        select(Resource)
        .where(Resource.partner_id == partner.id, Resource.order_id == bought.id)
        .order_by(Resource.id)
    )
    assert resource is not None
    await orders.create_proxy_order(
        admin, customer.id, [LineInput(OrderKind.UNSUBSCRIBE, resource_id=resource.id)]
    )
