"""Pickup vouchers (提货券) redeemed on order lines: which voucher a line may name, its hold
while the order is unpaid, its redemption at payment.

A line names `pickupVoucherId`; each refusal is one userError at
`["lines", i, "pickupVoucherId"]`:

- the voucher is the order customer's (any other id, another partner's included, is
  NOT_FOUND);
- the line is NEW or RENEW of a yearly/monthly product (INVALID_INPUT otherwise), and one
  voucher is named on one line only (INVALID_INPUT on the repeat);
- AVAILABLE now (`states.voucher_status`) and inside its validity (INVALID_STATE);
- of the line's product: the product ordered (NEW) or the one the resource runs as (RENEW)
  (COUPON_NOT_APPLICABLE);
- not held by another unpaid order (COUPON_HELD).

What it takes off the line is Orders' pricing (`pricing.voucher_deduction`, rule
PICKUP_VOUCHER, before any coupon). The order holds the voucher from its creation until its
close time; the payment (or the completion at creation when nothing is due) REDEEMS it
(status, `redeemed_order_id`, `redeemed_order_line_id`, `redeemed_at`); a cancel or a close
releases it (`order_coupons.release`).

Lock order: ... coupons by id, then pickup vouchers by id, then orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.globalid import to_global_id
from app.models import Order, PickupVoucher
from app.models.coupons.enums import PickupVoucherStatus
from app.models.customers.enums import BillingMode
from app.models.orders.enums import OrderKind
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.scoping import visible
from app.services.coupons import usages
from app.services.coupons.states import is_held, voucher_status

FIELD = "pickupVoucherId"
KINDS = (OrderKind.NEW, OrderKind.RENEW)


def field(index: int) -> list[str | int]:
    return ["lines", index, FIELD]


def label(voucher_id: int) -> str:
    return to_global_id("PickupVoucher", voucher_id)


async def load(
    ctx: ServiceContext, customer: Any, voucher_ids: Sequence[int | None], *, lock: bool
) -> dict[int, PickupVoucher]:
    """The named vouchers of `customer` the caller may see; locked in id order (re-read)
    when the order is being created."""
    ids = sorted({i for i in voucher_ids if i})
    if not ids:
        return {}
    stmt = select(PickupVoucher).where(
        visible(ctx.principal, PickupVoucher),
        PickupVoucher.partner_id == customer.partner_id,
        PickupVoucher.id.in_(ids),
    )
    if lock:
        stmt = (
            stmt.order_by(PickupVoucher.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    return {v.id: v for v in await ctx.session.scalars(stmt) if v.customer_id == customer.id}


def refusal(
    index: int,
    voucher_id: int | None,
    found: dict[int, PickupVoucher],
    kind: OrderKind,
    product: Any,
    seen: set[int],
    now: datetime,
) -> DomainError | None:
    """Why line `index` may not redeem `voucher_id` (None: it may)."""
    voucher = found.get(voucher_id) if voucher_id else None
    if voucher is None:
        return DomainError(
            ErrorCode.NOT_FOUND, "No such pickup voucher of this customer.", field(index)
        )
    name = label(voucher.id)
    if voucher.id in seen:
        return DomainError(
            ErrorCode.INVALID_INPUT, "A pickup voucher is named on one line only.", field(index)
        )
    seen.add(voucher.id)
    if (
        kind not in KINDS
        or product is None
        or product.billing_mode is not BillingMode.YEARLY_MONTHLY
    ):
        return DomainError(
            ErrorCode.INVALID_INPUT,
            "A pickup voucher pays a NEW or RENEW line of a yearly/monthly product.",
            field(index),
        )
    status = voucher_status(voucher, now)
    if status is not PickupVoucherStatus.AVAILABLE:
        return DomainError(
            ErrorCode.INVALID_STATE, f"Pickup voucher {name} is {status.value}.", field(index)
        )
    if not voucher.valid_from <= now < voucher.valid_to:
        return DomainError(
            ErrorCode.INVALID_STATE,
            f"Pickup voucher {name} is valid from {voucher.valid_from.isoformat()} to "
            f"{voucher.valid_to.isoformat()}, not now.",
            field(index),
        )
    if voucher.product_id != product.id:
        return DomainError(
            ErrorCode.COUPON_NOT_APPLICABLE,
            f"Pickup voucher {name} is for another product.",
            field(index),
        )
    if is_held(voucher, now):
        return DomainError(
            ErrorCode.COUPON_HELD,
            f"Pickup voucher {name} is held by another unpaid order until it is paid, "
            "cancelled or closed.",
            field(index),
        )
    return None


def hold(vouchers: Sequence[PickupVoucher], order: Order) -> None:
    for voucher in vouchers:
        usages.hold(voucher, order.id, order.close_at)


async def lock_for_orders(
    session: AsyncSession, partner_id: int, order_ids: Sequence[int | None]
) -> dict[int, PickupVoucher]:
    """The vouchers the orders hold, locked in id order (after coupons, before orders)."""
    ids = [i for i in order_ids if i is not None]
    if not ids:
        return {}
    rows = await session.scalars(
        select(PickupVoucher)
        .where(PickupVoucher.partner_id == partner_id, PickupVoucher.held_by_order_id.in_(ids))
        .order_by(PickupVoucher.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {v.id: v for v in rows}


def redeem(
    voucher: PickupVoucher | None,
    voucher_id: int,
    order: Order,
    line_id: int,
    now: datetime,
    error_field: list[Any],
) -> None:
    """The paid (or completed) order redeems the voucher its line named; the hold ends."""
    if (
        voucher is None
        or voucher.held_by_order_id != order.id
        or voucher.status is not PickupVoucherStatus.AVAILABLE
    ):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Pickup voucher {label(voucher_id)} can no longer pay this order; cancel it and "
            "order again.",
            error_field,
        )
    voucher.status = PickupVoucherStatus.REDEEMED
    voucher.redeemed_order_id = order.id
    voucher.redeemed_order_line_id = line_id
    voucher.redeemed_at = now
    voucher.held_by_order_id = None
    voucher.held_until = None
