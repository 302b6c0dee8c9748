"""Deterministic demo data for `seed-demo`: two partners, every role, ~200 customers, and
the acquisition / association lifecycle of each (app/demo/lifecycle.py), money
(app/demo/funds.py), orders (app/demo/orders.py), coupons and pickup vouchers
(app/demo/coupons.py) and consumption (app/demo/consumption.py).

Idempotent: the data is created once (recognised by the demo partners' remittance accounts);
every run revokes the previous demo tokens and prints new ones.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.demo.catalog import seed_catalog
from app.demo.consumption import seed_consumption
from app.demo.coupons import seed_coupons
from app.demo.funds import seed_funds
from app.demo.invoices import seed_invoices
from app.demo.lifecycle import seed_lifecycle
from app.demo.orders import seed_orders
from app.demo.partner_notifications import seed_partner_notifications
from app.models import (
    CloudAccount,
    Customer,
    CustomerAccount,
    Partner,
    PartnerUser,
    Product,
    Resource,
)
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus, ServiceType
from app.models.partners.enums import CertificationStatus, ContractingEntity, PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.cross_partner import cross_partner, register
from app.services.core.principal import Principal
from app.services.customers.resources import expire_resources
from app.services.funds.credit import apply_arrears_to_resources
from app.services.lifecycle.company_names import normalize_company_name
from app.services.partners.tokens import create_token, revoke_tokens

DEMO_LABEL = "demo"
BASE = datetime(2025, 1, 1, tzinfo=UTC)
CITIES = ["北京", "上海", "深圳", "杭州", "成都", "武汉", "南京", "西安", "苏州", "广州"]
WORDS = [
    "云帆",
    "星河",
    "智联",
    "数海",
    "青松",
    "远航",
    "汇通",
    "明德",
    "鼎盛",
    "启元",
    "博瑞",
    "华信",
]
TRADES = ["科技", "网络", "信息技术", "软件", "数据服务", "电子商务"]
INDUSTRIES = ["互联网", "零售", "制造", "教育", "金融", "医疗", "游戏", "物流"]
REGIONS = ["cn-north-4", "cn-east-3", "cn-south-1"]
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]

PARTNERS = [
    {
        "name": "Cloudbridge Solutions",
        "certified_company_name": "云桥解决方案有限公司",
        "contracting_entity": ContractingEntity.HUAWEI_CLOUD_COMPUTING,
        "remittance_account_number": "DEMO-6222-0001",
        "customers": 120,
        "prefix": "cb",
    },
    {
        "name": "Northwind Cloud Services",
        "certified_company_name": "北风云服务有限公司",
        "contracting_entity": ContractingEntity.OTHER,
        "remittance_account_number": "DEMO-6222-0002",
        "customers": 80,
        "prefix": "nw",
    },
]
USERS = [
    ("Admin", Role.ADMIN),
    ("Finance", Role.FINANCE),
    ("Sales Li", Role.SALES),
    ("Sales Wang", Role.SALES),
    ("BI Viewer", Role.VIEWER),
]


async def _create_partner(
    session: AsyncSession, spec: dict, rng: random.Random, catalog: list[Product]
) -> Partner:
    partner = Partner(
        name=spec["name"],
        certified_company_name=spec["certified_company_name"],
        certification_status=CertificationStatus.CERTIFIED,
        certification_expires_at=datetime(2027, 12, 31, tzinfo=UTC),
        contracting_entity=spec["contracting_entity"],
        remittance_account_number=spec["remittance_account_number"],
        sales_see_all_customers=False,
        created_at=BASE,
    )
    session.add(partner)
    await session.flush()
    users = []
    for name, role in USERS:
        user = PartnerUser(
            partner_id=partner.id,
            name=name,
            email=f"{name.lower().replace(' ', '.')}@{spec['prefix']}.example",
            role=role,
            created_at=BASE,
        )
        session.add(user)
        users.append(user)
    await session.flush()
    managers = [u for u in users if u.role in (Role.SALES, Role.ADMIN)]
    for n in range(spec["customers"]):
        await _create_customer(session, partner, spec["prefix"], n, managers, rng, catalog)
    return partner


async def _create_customer(
    session: AsyncSession,
    partner: Partner,
    prefix: str,
    n: int,
    managers: list[PartnerUser],
    rng: random.Random,
    catalog: list[Product],
) -> None:
    company = f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司 {prefix}{n:03d}"
    account = CloudAccount(
        account_name=f"{prefix}_acct_{n:04d}",
        company_name=company,
        normalized_company_name=normalize_company_name(company),
        contact_name=rng.choice(SURNAMES) + rng.choice(["伟", "芳", "娜", "敏", "静", "强"]),
        contact_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        contact_email=f"ops{n:03d}@{prefix}-customer.example",
        industry=rng.choice(INDUSTRIES),
        region=rng.choice(REGIONS),
        created_at=BASE,
    )
    session.add(account)
    await session.flush()
    associated_at = BASE + timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 23))
    manager = rng.choice(managers) if rng.random() < 0.85 else None
    customer = Customer(
        partner_id=partner.id,
        cloud_account_id=account.id,
        name=company,
        account_name=account.account_name,
        association_type=AssociationType.RESELLER
        if rng.random() < 0.7
        else AssociationType.REFERRAL,
        associated_at=associated_at,
        account_manager_id=manager.id if manager else None,
        labels=rng.sample(["重点客户", "新签", "续费关注", "大客户", "华东"], k=rng.randint(0, 2)),
        remark="",
        created_at=associated_at,
    )
    session.add(customer)
    await session.flush()
    for r in range(rng.randint(0, 6)):
        product = rng.choice(catalog)
        service, mode = product.service_type, product.billing_mode
        created = associated_at + timedelta(days=rng.randint(0, 120))
        expires = (
            created + timedelta(days=30 * rng.choice([1, 3, 6, 12, 24]))
            if mode is BillingMode.YEARLY_MONTHLY
            else None
        )
        # Created running; `_store_resource_statuses` gives each the status its rules give
        # it once the demo's money (arrears) and time (expiry) are in place. The draw that
        # used to pick a status at random stays, so the rest of the demo is as it was.
        rng.random()
        session.add(
            Resource(
                partner_id=partner.id,
                customer_id=customer.id,
                name=f"{service.value.lower()}-{prefix}{n:03d}-{r + 1:02d}",
                service_type=service,
                region=product.region,
                spec=product.spec,
                billing_mode=mode,
                product_id=product.id,
                status=ResourceStatus.ACTIVE,
                created_at=created,
                expires_at=expires,
                auto_renew=mode is BillingMode.YEARLY_MONTHLY and rng.random() < 0.4,
                is_reserved_instance=service is ServiceType.ECS and rng.random() < 0.1,
                is_support_plan=False,
            )
        )


async def _store_resource_statuses(session: AsyncSession) -> None:
    """Store on every demo resource the status its rules give it now (what the status jobs
    do, audited the same way): past-expiry yearly/monthly ones in GRACE_PERIOD or EXPIRED,
    on-demand ones of customers in arrears in GRACE_PERIOD or FROZEN, the rest ACTIVE."""
    system = ServiceContext(session, Principal.system(), request_id="seed-demo")
    await expire_resources(system)
    await apply_arrears_to_resources(system)


@cross_partner(register("demo.seed", "seed-demo builds every demo partner's data in one run"))
async def seed(database: Database) -> list[str]:
    """Create the demo data once; print (return) fresh tokens for every demo principal."""
    lines: list[str] = []
    async with database.session(write=True) as session:
        partners: list[Partner] = []
        await seed_catalog(session)
        catalog = list(await session.scalars(select(Product).order_by(Product.code)))
        for index, spec in enumerate(PARTNERS):
            partner = await session.scalar(
                select(Partner).where(
                    Partner.remittance_account_number == spec["remittance_account_number"]
                )
            )
            if partner is None:
                partner = await _create_partner(session, spec, random.Random(1000 + index), catalog)
                await seed_funds(session, partner, spec["prefix"])
                lines.append(f"created demo partner {partner.id}: {partner.name}")
            if await seed_lifecycle(session, partner, spec["prefix"]):
                lines.append(f"created acquisition and lifecycle demo data of {partner.name}")
            if await seed_partner_notifications(session, partner):
                lines.append(f"created demo notifications of {partner.name}")
            if await seed_orders(session, partner):
                lines.append(f"created demo orders of {partner.name}")
            if await seed_coupons(session, partner):
                lines.append(f"created demo coupons and pickup vouchers of {partner.name}")
            if index == 0 and await seed_consumption(session, partner):
                lines.append(f"created demo consumption of {partner.name}")
            if await seed_invoices(session, partner):
                lines.append(f"created demo invoice profiles and invoices of {partner.name}")
            partners.append(partner)
        await _store_resource_statuses(session)
        revoked = await revoke_tokens(session, label=DEMO_LABEL)
        if revoked:
            lines.append(f"revoked {revoked} earlier demo tokens")
        lines.append("")
        lines.append("Demo tokens (shown once; paste as `Authorization: Bearer <token>`):")
        for partner in partners:
            users = (
                await session.scalars(
                    select(PartnerUser)
                    .where(PartnerUser.partner_id == partner.id)
                    .order_by(PartnerUser.id)
                )
            ).all()
            for user in users:
                token = await create_token(
                    session,
                    PrincipalKind.PARTNER_USER,
                    partner_id=partner.id,
                    partner_user_id=user.id,
                    label=DEMO_LABEL,
                )
                lines.append(f"  {partner.name:<26} {user.role.value:<8} {user.name:<11} {token}")
        customer = await demo_customer(session, partners[0])
        if customer is not None:
            token = await create_token(
                session,
                PrincipalKind.CUSTOMER,
                cloud_account_id=customer.cloud_account_id,
                label=DEMO_LABEL,
            )
            lines.append(
                f"  {'customer ' + customer.account_name:<26} {'CUSTOMER':<8} {'':<11} {token}"
            )
        token = await create_token(session, PrincipalKind.PLATFORM, label=DEMO_LABEL)
        lines.append(f"  {'the cloud vendor':<26} {'PLATFORM':<8} {'':<11} {token}")
        await session.commit()
    lines.append("")
    lines.append(f"More tokens and the other commands: {CONSOLE} --help")
    return lines


CONSOLE = ".venv/bin/partner-console"  # how `make run` installed the console, as a user types it


async def demo_customer(session: AsyncSession, partner: Partner) -> Customer | None:
    """The customer the demo CUSTOMER token is for: one that may order for itself.

    The first current REFERRAL customer (it pays for itself, or asks its partner to: 代付)
    that owes nothing beyond its credit limit, so `createOrder` is not refused with
    `ARREARS`; failing that any current customer that owes nothing, and the first one last.
    """
    owing = (
        select(CustomerAccount.customer_id)
        .where(
            CustomerAccount.customer_id == Customer.id,
            CustomerAccount.balance + CustomerAccount.credit_limit < 0,
        )
        .exists()
    )
    current = select(Customer).where(Customer.partner_id == partner.id, Customer.ended_at.is_(None))
    for stmt in (
        current.where(Customer.association_type == AssociationType.REFERRAL, ~owing),
        current.where(~owing),
        select(Customer).where(Customer.partner_id == partner.id),
    ):
        customer = await session.scalar(stmt.order_by(Customer.id).limit(1))
        if customer is not None:
            return customer
    return None
