"""Documents and helpers shared by the freezeCustomer and unfreezeCustomer tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import AuditEvent, Customer
from app.models.customers.enums import CustomerStatus
from tests.factories import gql

FREEZE_CUSTOMER = """
mutation Freeze($input: FreezeCustomerInput!) {
  freezeCustomer(input: $input) {
    customer { id status }
    userErrors { code field message }
  }
}
"""

UNFREEZE_CUSTOMER = """
mutation Unfreeze($input: UnfreezeCustomerInput!) {
  unfreezeCustomer(input: $input) {
    customer { id status }
    userErrors { code field message }
  }
}
"""


def _input(id: str, reason: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": id}
    if reason is not None:
        fields["reason"] = reason
    return {"input": fields}


async def freeze(client: Any, token: str, id: str, reason: str | None = None) -> dict[str, Any]:
    """`freezeCustomer` with `id` and, when given, `reason`."""
    return await gql(client, FREEZE_CUSTOMER, _input(id, reason), token=token)


async def unfreeze(client: Any, token: str, id: str, reason: str | None = None) -> dict[str, Any]:
    """`unfreezeCustomer` with `id` and, when given, `reason`."""
    return await gql(client, UNFREEZE_CUSTOMER, _input(id, reason), token=token)


async def status_of(session: Any, customer: Customer) -> CustomerStatus:
    """The customer's status as stored now (not the session's cached copy)."""
    return await session.scalar(
        select(Customer.status)
        .where(Customer.id == customer.id)
        .execution_options(populate_existing=True)
    )


async def events_of(session: Any, customer: Customer) -> list[AuditEvent]:
    """The audit events recorded on the customer, oldest first."""
    return list(
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Customer", AuditEvent.object_id == customer.id)
            .order_by(AuditEvent.id)
        )
    )
