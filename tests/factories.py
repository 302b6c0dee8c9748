"""Factories: small async builders of rows, each flushing so ids exist."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import CloudAccount, Customer, Partner, PartnerUser, Resource
from app.models.customers.enums import (
    AssociationType,
    BillingMode,
    CustomerStatus,
    ResourceStatus,
    ServiceType,
)
from app.models.partners.enums import CertificationStatus, ContractingEntity, PrincipalKind, Role
from app.services.lifecycle.company_names import normalize_company_name
from app.services.partners.tokens import create_token

_seq = itertools.count(1)


async def make_partner(session: AsyncSession, **fields: Any) -> Partner:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Partner {n}",
        "certified_company_name": f"Partner {n} Co., Ltd.",
        "certification_status": CertificationStatus.CERTIFIED,
        "certification_expires_at": clock.now() + timedelta(days=365),
        "contracting_entity": ContractingEntity.OTHER,
        "remittance_account_number": f"TEST-{n:08d}",
        "sales_see_all_customers": False,
    }
    values.update(fields)
    partner = Partner(**values)
    session.add(partner)
    await session.flush()
    return partner


async def make_user(
    session: AsyncSession, partner: Partner, role: Role = Role.ADMIN, **fields: Any
) -> PartnerUser:
    n = next(_seq)
    values: dict[str, Any] = {
        "partner_id": partner.id,
        "name": f"{role.value.title()} {n}",
        "email": f"user{n}@partner{partner.id}.test",
        "role": role,
    }
    values.update(fields)
    user = PartnerUser(**values)
    session.add(user)
    await session.flush()
    return user


async def make_customer(
    session: AsyncSession,
    partner: Partner,
    *,
    name: str | None = None,
    association_type: AssociationType = AssociationType.RESELLER,
    status: CustomerStatus = CustomerStatus.ACTIVE,
    manager: PartnerUser | None = None,
    associated_at: datetime | None = None,
    ended_at: datetime | None = None,
    labels: list[str] | None = None,
    **account_fields: Any,
) -> Customer:
    n = next(_seq)
    company = name or f"Customer {n} Technology Co., Ltd."
    account_values: dict[str, Any] = {
        "account_name": f"acct_{n:06d}",
        "company_name": company,
        "normalized_company_name": normalize_company_name(company),
        "contact_name": "张三丰",
        "contact_phone": "13812345678",
        "contact_email": f"ops{n}@customer.test",
        "industry": "互联网",
        "region": "cn-north-4",
    }
    account_values.update(account_fields)
    account = CloudAccount(**account_values)
    session.add(account)
    await session.flush()
    customer = Customer(
        partner_id=partner.id,
        cloud_account_id=account.id,
        name=company,
        account_name=account.account_name,
        association_type=association_type,
        status=status,
        associated_at=associated_at or clock.now() - timedelta(days=n),
        ended_at=ended_at,
        account_manager_id=manager.id if manager else None,
        labels=labels or [],
        remark="",
    )
    session.add(customer)
    await session.flush()
    return customer


async def make_resource(session: AsyncSession, customer: Customer, **fields: Any) -> Resource:
    n = next(_seq)
    values: dict[str, Any] = {
        "partner_id": customer.partner_id,
        "customer_id": customer.id,
        "name": f"ecs-{n:05d}",
        "service_type": ServiceType.ECS,
        "region": "cn-north-4",
        "spec": "s6.large.2",
        "billing_mode": BillingMode.YEARLY_MONTHLY,
        "status": ResourceStatus.ACTIVE,
        "created_at": clock.now() - timedelta(hours=n),
        "expires_at": clock.now() + timedelta(days=30 + n % 300),
        "auto_renew": False,
    }
    values.update(fields)
    resource = Resource(**values)
    session.add(resource)
    await session.flush()
    return resource


async def token_for(session: AsyncSession, user: PartnerUser) -> str:
    return await create_token(
        session, PrincipalKind.PARTNER_USER, partner_id=user.partner_id, partner_user_id=user.id
    )


async def customer_token(session: AsyncSession, customer: Customer) -> str:
    return await create_token(
        session, PrincipalKind.CUSTOMER, cloud_account_id=customer.cloud_account_id
    )


async def platform_token(session: AsyncSession) -> str:
    return await create_token(session, PrincipalKind.PLATFORM)


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None,
    expect_status: int | None = 200,
    keep_extensions: bool = False,
) -> dict[str, Any]:
    """POST a GraphQL document as a client would; returns the JSON body.

    `extensions` (the query cost and throttle state, which change with every call) is dropped
    unless asked for, so tests can compare whole answers; tests/http covers it.
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    if expect_status is not None:
        assert response.status_code == expect_status, response.text
    body = response.json()
    if not keep_extensions and isinstance(body, dict):
        body.pop("extensions", None)
    return body


def global_id(type_name: str, row_id: int) -> str:
    from app.globalid import to_global_id

    return to_global_id(type_name, row_id)


def iso(moment: datetime) -> str:
    """A timestamp as the API writes it: ISO 8601 in UTC with a Z."""
    from datetime import UTC

    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
