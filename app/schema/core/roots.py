"""Root fields of the Relay node interface: any object by its global id."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry

from app.resolvers.core import nodes as node_resolvers
from app.schema.consumption.consumption import ConsumptionDetail
from app.schema.core.relay import Node
from app.schema.coupons.coupons import Coupon
from app.schema.coupons.pickup_vouchers import PickupVoucher
from app.schema.coupons.quotas import CouponQuota
from app.schema.customers.customers import Customer
from app.schema.customers.resources import Resource
from app.schema.funds.adjustments import Adjustment
from app.schema.funds.customer_withdrawals import CustomerWithdrawal
from app.schema.funds.recharges import Recharge
from app.schema.funds.withdrawals import Withdrawal
from app.schema.invoices.invoices import Invoice
from app.schema.invoices.profiles import InvoiceProfile
from app.schema.lifecycle.association_changes import AssociationChangeRequest
from app.schema.lifecycle.authorizations import Authorization
from app.schema.lifecycle.company_registry import ReservedCompany
from app.schema.lifecycle.disassociation_requests import DisassociationRequest
from app.schema.lifecycle.invitations import Invitation
from app.schema.lifecycle.notifications import Notification
from app.schema.lifecycle.registrations import Registration
from app.schema.orders.orders import Order
from app.schema.orders.products import Product
from app.schema.partners.api_tokens import ApiToken
from app.schema.partners.partner_notifications import PartnerNotification
from app.schema.partners.partners import Partner, PartnerUser
from app.services.core.errors import BadRequest
from app.settings import get_settings

NODE_TYPES: dict[str, Any] = {
    "Adjustment": Adjustment.from_row,
    "ApiToken": ApiToken.from_row,
    "Recharge": Recharge.from_row,
    "Withdrawal": Withdrawal.from_row,
    "CustomerWithdrawal": CustomerWithdrawal.from_row,
    "AssociationChangeRequest": AssociationChangeRequest.from_row,
    "Authorization": Authorization.from_row,
    "Customer": Customer.from_row,
    "DisassociationRequest": DisassociationRequest.from_row,
    "Invitation": Invitation.from_row,
    "Notification": Notification.from_row,
    "Partner": Partner.from_row,
    "PartnerUser": PartnerUser.from_row,
    "PartnerNotification": PartnerNotification.from_row,
    "Registration": Registration.from_row,
    "ReservedCompany": ReservedCompany.from_row,
    "Product": Product.from_row,
    "Resource": Resource.from_row,
    "Order": Order.from_row,
    "ConsumptionDetail": ConsumptionDetail.from_row,
    "PickupVoucher": PickupVoucher.from_row,
    "Coupon": Coupon.from_row,
    "CouponQuota": CouponQuota.from_row,
    "InvoiceProfile": InvoiceProfile.from_row,
    "Invoice": Invoice.from_row,
}


async def _node(info: strawberry.Info, global_id: str) -> Node | None:
    found = await node_resolvers.load_node(info.context, global_id)
    if found is None:
        return None
    type_name, row = found
    return NODE_TYPES[type_name](row)


@strawberry.type(description="Read entry points: any object by its global id.")
class Query:
    @strawberry.field(description="Fetch any object by global id; null if missing or not yours.")
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await _node(info, id)

    @strawberry.field(
        description="Fetch up to 100 objects by global id, in order; null entries "
        "for missing or foreign ids."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")
        ],
    ) -> list[Node | None]:
        maximum = get_settings().max_nodes_ids
        if len(ids) > maximum:
            raise BadRequest(f"`ids` takes at most {maximum} ids; got {len(ids)}.")
        return list(await asyncio.gather(*(_node(info, gid) for gid in ids)))
