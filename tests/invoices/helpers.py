"""Documents, a world and factories shared by the invoices tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, InvoiceProfile, Partner, PartnerUser
from app.models.invoices.enums import InvoiceTitleType, InvoiceType
from app.models.partners.enums import Role
from app.services.invoices import profiles
from app.services.invoices.profile_rules import ProfileFields
from tests.factories import (
    customer_token,
    global_id,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import acting_as

# Valid unified social credit codes (their GB 32100-2015 check characters are right).
TAX_ID = "91350100M000100Y43"
OTHER_TAX_ID = "91440300708461136T"

PROFILE_FIELDS = (
    "id titleType invoiceType title taxId bankName bankAccount address phone isDefault "
    "createdAt updatedAt"
)

CREATE_PROFILE = f"""
mutation Create($input: CreateInvoiceProfileInput!) {{
  createInvoiceProfile(input: $input) {{
    invoiceProfile {{ {PROFILE_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

UPDATE_PROFILE = f"""
mutation Update($input: UpdateInvoiceProfileInput!) {{
  updateInvoiceProfile(input: $input) {{
    invoiceProfile {{ {PROFILE_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

DELETE_PROFILE = """
mutation Delete($input: DeleteInvoiceProfileInput!) {
  deleteInvoiceProfile(input: $input) {
    deletedInvoiceProfileId
    userErrors { code field message }
  }
}
"""

PROFILES = f"""
query Profiles($first: Int, $after: String) {{
  invoiceProfiles(first: $first, after: $after) {{
    totalCount
    nodes {{ {PROFILE_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { id ... on InvoiceProfile { title } } }
"""


def special(**overrides: Any) -> dict[str, Any]:
    """The input of a complete VAT_SPECIAL enterprise title."""
    return {
        "titleType": "ENTERPRISE",
        "invoiceType": "VAT_SPECIAL",
        "title": "福州示例科技有限公司",
        "taxId": TAX_ID,
        "bankName": "中国工商银行福州分行",
        "bankAccount": "1402 0201 0900 1234 567",
        "address": "福州市鼓楼区五四路 1 号",
        "phone": "0591-12345678",
        **overrides,
    }


def general(**overrides: Any) -> dict[str, Any]:
    """The input of a minimal VAT_GENERAL enterprise title."""
    return {
        "titleType": "ENTERPRISE",
        "invoiceType": "VAT_GENERAL",
        "title": "深圳示例有限公司",
        "taxId": OTHER_TAX_ID,
        **overrides,
    }


@dataclass
class World:
    """A partner with a user (and token) of every role, a customer's token, the platform's,
    and a second partner with an ADMIN of its own."""

    partner: Partner
    users: dict[Role, PartnerUser]
    tokens: dict[str, str]
    other: Partner
    other_admin: PartnerUser
    other_token: str


async def make_world(session: AsyncSession) -> World:
    partner = await make_partner(session)
    users = {role: await make_user(session, partner, role) for role in Role}
    tokens = {role.value: await token_for(session, user) for role, user in users.items()}
    tokens["PLATFORM"] = await platform_token(session)
    tokens["CUSTOMER"] = await customer_token(session, await make_customer(session, partner))
    other = await make_partner(session)
    other_admin = await make_user(session, other, Role.ADMIN)
    return World(partner, users, tokens, other, other_admin, await token_for(session, other_admin))


async def make_profile(
    session: AsyncSession, user: PartnerUser, *, is_default: bool | None = None, **fields: Any
) -> InvoiceProfile:
    """A profile created through the service (a VAT_GENERAL enterprise title by default)."""
    values: dict[str, Any] = {
        "title_type": InvoiceTitleType.ENTERPRISE,
        "invoice_type": InvoiceType.VAT_GENERAL,
        "title": "示例有限公司",
        "tax_id": TAX_ID,
        **fields,
    }
    profile_id = await profiles.create_invoice_profile(
        acting_as(session, user), ProfileFields(**values), is_default=is_default
    )
    profile = await session.get(InvoiceProfile, (user.partner_id, profile_id))
    assert profile is not None
    return profile


def pid(profile: InvoiceProfile) -> str:
    return global_id("InvoiceProfile", profile.id)


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def errors(body: dict[str, Any], name: str) -> list[tuple[str, list[str]]]:
    """The userErrors as (code, field) pairs."""
    return [(e["code"], e["field"]) for e in payload(body, name)["userErrors"]]


def forbidden(body: dict[str, Any]) -> bool:
    return any(e.get("extensions", {}).get("code") == "FORBIDDEN" for e in body.get("errors", []))


async def live_rows(session: AsyncSession, partner: Partner) -> list[InvoiceProfile]:
    rows = await session.scalars(
        select(InvoiceProfile)
        .where(InvoiceProfile.partner_id == partner.id)
        .order_by(InvoiceProfile.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def audit_events(session: AsyncSession, action: str) -> list[AuditEvent]:
    rows = await session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    )
    return list(rows)
