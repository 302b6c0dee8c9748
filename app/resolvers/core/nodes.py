"""Resolving Relay global ids to rows, through the same scoped loaders as every field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiodataloader import DataLoader

from app.context import RequestContext
from app.globalid import from_global_id
from app.loaders import Loaders

NODE_LOADERS: dict[str, Callable[[Loaders], DataLoader]] = {
    "Adjustment": lambda loaders: loaders.adjustment,
    "ApiToken": lambda loaders: loaders.api_token,
    "Recharge": lambda loaders: loaders.recharge,
    "Withdrawal": lambda loaders: loaders.withdrawal,
    "CustomerWithdrawal": lambda loaders: loaders.customer_withdrawal,
    "AssociationChangeRequest": lambda loaders: loaders.association_change,
    "Authorization": lambda loaders: loaders.authorization,
    "Customer": lambda loaders: loaders.customer,
    "DisassociationRequest": lambda loaders: loaders.disassociation_request,
    "Invitation": lambda loaders: loaders.invitation,
    "Notification": lambda loaders: loaders.notification,
    "Partner": lambda loaders: loaders.partner,
    "PartnerUser": lambda loaders: loaders.partner_user,
    "PartnerNotification": lambda loaders: loaders.partner_notification,
    "Registration": lambda loaders: loaders.registration,
    "ReservedCompany": lambda loaders: loaders.reserved_company,
    "Product": lambda loaders: loaders.product,
    "Resource": lambda loaders: loaders.resource,
    "Order": lambda loaders: loaders.order,
    "ConsumptionDetail": lambda loaders: loaders.consumption_detail,
    "PickupVoucher": lambda loaders: loaders.pickup_voucher,
    "Coupon": lambda loaders: loaders.coupon,
    "CouponQuota": lambda loaders: loaders.coupon_quota,
    "InvoiceProfile": lambda loaders: loaders.invoice_profile,
    "Invoice": lambda loaders: loaders.invoice,
}


async def load_node(ctx: RequestContext, global_id: str) -> tuple[str, Any] | None:
    """(type name, row) for an id the caller may see; None for malformed, missing or foreign."""
    try:
        type_name, row_id = from_global_id(global_id)
    except ValueError:
        return None
    loader = NODE_LOADERS.get(type_name)
    if loader is None:
        return None
    row = await loader(ctx.loaders).load(row_id)
    return None if row is None else (type_name, row)
