"""Documents and helpers shared by the tests of users and API tokens managed through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.models import AuditEvent, Partner, PartnerUser
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_partner, make_user, token_for

USER_FIELDS = "id name email role serviceAccount createdAt deactivatedAt"
TOKEN_FIELDS = "id label createdAt lastUsedAt expiresAt revokedAt status user { id name }"

CREATE_USER = f"""
mutation Create($input: CreatePartnerUserInput!) {{
  createPartnerUser(input: $input) {{
    partnerUser {{ {USER_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

UPDATE_USER = f"""
mutation Update($input: UpdatePartnerUserInput!) {{
  updatePartnerUser(input: $input) {{
    partnerUser {{ {USER_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

DEACTIVATE_USER = f"""
mutation Deactivate($input: DeactivatePartnerUserInput!) {{
  deactivatePartnerUser(input: $input) {{
    partnerUser {{ {USER_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

CREATE_TOKEN = f"""
mutation CreateToken($input: CreateApiTokenInput!) {{
  createApiToken(input: $input) {{
    token
    apiToken {{ {TOKEN_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

REVOKE_TOKEN = f"""
mutation Revoke($input: RevokeApiTokenInput!) {{
  revokeApiToken(input: $input) {{
    apiToken {{ {TOKEN_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""

API_TOKENS = f"""
query Tokens($filter: ApiTokenFilter, $first: Int, $after: String) {{
  apiTokens(filter: $filter, first: $first, after: $after) {{
    totalCount
    nodes {{ {TOKEN_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

VIEWER = "{ viewer { kind role user { id } } }"


@dataclass
class Team:
    """One partner with an ADMIN (and its token), a user of each other role, and a second
    partner with an ADMIN of its own."""

    partner: Partner
    admin: PartnerUser
    admin_token: str
    users: dict[Role, PartnerUser]
    tokens: dict[Role, str]
    other_partner: Partner
    other_admin: PartnerUser
    other_token: str


async def make_team(session) -> Team:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    users = {
        role: await make_user(session, partner, role) for role in Role if role is not Role.ADMIN
    }
    users[Role.ADMIN] = admin
    tokens = {role: await token_for(session, user) for role, user in users.items()}
    other = await make_partner(session)
    other_admin = await make_user(session, other, Role.ADMIN)
    return Team(
        partner=partner,
        admin=admin,
        admin_token=tokens[Role.ADMIN],
        users=users,
        tokens=tokens,
        other_partner=other,
        other_admin=other_admin,
        other_token=await token_for(session, other_admin),
    )


def uid(user: PartnerUser) -> str:
    return global_id("PartnerUser", user.id)


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][name]


def codes(result: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in result["userErrors"]]


def forbidden(body: dict[str, Any]) -> bool:
    return body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == [
        "FORBIDDEN"
    ]


async def status_of(client, token: str) -> tuple[int, str | None]:
    """The HTTP status a token gets on `{ viewer }`, and the error message if refused."""
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code == 200:
        return 200, None
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return response.status_code, error["message"]


async def audit_events(session, action: str) -> list[AuditEvent]:
    rows = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def reread_user(session, user: PartnerUser) -> PartnerUser:
    found = await session.scalar(
        select(PartnerUser)
        .where(PartnerUser.id == user.id)
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def issue(client, admin_token: str, user: PartnerUser, **fields: Any) -> dict[str, Any]:
    body = await gql(
        client, CREATE_TOKEN, {"input": {"userId": uid(user), **fields}}, token=admin_token
    )
    return payload(body, "createApiToken")
