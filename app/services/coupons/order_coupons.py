"""Coupons at order time: which of the named coupons an order may use, in which order they
apply, the hold an unpaid order takes on them, their use at its payment and the release when
it is cancelled or closed. The arithmetic is Orders' pricing (`app.services.orders.pricing`,
pure); this module is the database side.

The rules (each refusal is one userError at `["couponIds", i]`):

- the coupon is the order customer's (same partner, same customer); any other id, another
  partner's included, is NOT_FOUND;
- once per order (INVALID_INPUT for a repeat), at most one DISCOUNT and three CASH coupons
  (INVALID_INPUT on the second DISCOUNT / the fourth CASH, in input order, counting only
  the coupons not refused for another reason);
- usable now (`states.coupon_status` AVAILABLE or PARTIALLY_USED, with a balance) and inside
  its validity, valid_from <= now < valid_to (INVALID_STATE);
- not held by another unpaid order (COUPON_HELD);
- its service types (empty = every type) match at least one line's product
  (COUPON_NOT_APPLICABLE), and the lines it applies to reach its minimum order amount: their
  amounts after discounts and pickup vouchers, before any coupon (COUPON_NOT_APPLICABLE);
- it deducts something: a coupon whose lines have nothing left to pay (an UNSUBSCRIBE,
  on-demand lines, a line a voucher made free) is refused rather than held for nothing
  (COUPON_NOT_APPLICABLE; Orders checks it after pricing, `nothing_to_deduct`).

Application order: the DISCOUNT coupon first, then the CASH coupons by earliest expiry
(`valid_to`, then id) -- the one that would lapse first is spent first, as on daily charges,
whatever order the caller named them in.

A held coupon keeps its value for the order until the order's close time, even past its own
`valid_to` (`states` reads it as not expired while held): the price was fixed when the order
was placed. At payment the order's shares (`OrderCoupon` rows) are used (`usages.use`,
source ORDER) and the hold ends.

Lock order (docs/architecture.md): partner account, customer accounts, coupon quotas,
coupons by id, pickup vouchers by id, orders by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.globalid import to_global_id
from app.models import Coupon, Order, OrderCoupon
from app.models.coupons.enums import CouponKind, CouponUsageSource
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.scoping import visible
from app.services.coupons import usages
from app.services.coupons.states import USABLE, coupon_status, is_held, is_usable

MAX_COUPONS = 10
MAX_DISCOUNT = 1
MAX_CASH = 3
ZERO = Decimal("0.00")
FIELD = "couponIds"


@dataclass(frozen=True, slots=True)
class CouponLine:
    """What a coupon needs of an order line: its service type and its amount before
    coupons (cents: after discounts and the pickup voucher)."""

    index: int
    service_type: Any
    amount: Decimal


def label(coupon_id: int) -> str:
    return to_global_id("Coupon", coupon_id)


def check_ids(coupon_ids: Sequence[int | None]) -> None:
    """Input bound (a refusal stores no idempotency key)."""
    if len(coupon_ids) > MAX_COUPONS:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Name at most {MAX_COUPONS} coupons (an order uses at most {MAX_DISCOUNT} "
            f"DISCOUNT and {MAX_CASH} CASH coupons).",
            [FIELD],
        )


async def load(
    ctx: ServiceContext, customer: Any, coupon_ids: Sequence[int | None], *, lock: bool
) -> dict[int, Coupon]:
    """The named coupons of `customer` the caller may see; locked (in id order, re-read)
    when the order is being created."""
    ids = sorted({i for i in coupon_ids if i})
    if not ids:
        return {}
    if lock:
        rows = (await usages.lock_coupons(ctx.session, customer.partner_id, ids)).values()
    else:
        rows = await ctx.session.scalars(
            select(Coupon).where(
                visible(ctx.principal, Coupon),
                Coupon.partner_id == customer.partner_id,
                Coupon.id.in_(ids),
            )
        )
    return {c.id: c for c in rows if c.customer_id == customer.id}


def unknown(coupon_ids: Sequence[int | None], found: dict[int, Coupon]) -> list[DomainError]:
    """NOT_FOUND for every id that names no coupon of the customer."""
    return [
        DomainError(ErrorCode.NOT_FOUND, "No such coupon of this customer.", [FIELD, i])
        for i, coupon_id in enumerate(coupon_ids)
        if coupon_id is None or coupon_id not in found
    ]


def applies_to(coupon: Coupon, lines: Sequence[CouponLine]) -> tuple[int, ...]:
    """Indexes of the lines of the coupon's service types (empty types: every line)."""
    types = set(coupon.service_types or ())
    return tuple(
        line.index
        for line in lines
        if not types or (line.service_type is not None and line.service_type.value in types)
    )


def _refusal(coupon: Coupon, lines: Sequence[CouponLine], now: datetime) -> DomainError | None:
    status = coupon_status(coupon, now)
    name = label(coupon.id)
    if status not in USABLE or coupon.balance <= ZERO:
        return DomainError(ErrorCode.INVALID_STATE, f"Coupon {name} is {status.value}.")
    if not is_usable(coupon, now):
        return DomainError(
            ErrorCode.INVALID_STATE,
            f"Coupon {name} is valid from {coupon.valid_from.isoformat()} to "
            f"{coupon.valid_to.isoformat()}, not now.",
        )
    if is_held(coupon, now):
        return DomainError(
            ErrorCode.COUPON_HELD,
            f"Coupon {name} is held by another unpaid order until it is paid, cancelled or closed.",
        )
    mine = set(applies_to(coupon, lines))
    if not mine:
        return DomainError(
            ErrorCode.COUPON_NOT_APPLICABLE,
            f"Coupon {name} applies to {', '.join(coupon.service_types)} only; no line is.",
        )
    reached = sum((line.amount for line in lines if line.index in mine), ZERO)
    if reached < coupon.minimum_order_amount:
        return DomainError(
            ErrorCode.COUPON_NOT_APPLICABLE,
            f"Coupon {name} needs {coupon.minimum_order_amount} on the lines it applies to "
            f"(after discounts, before coupons); they come to {reached}.",
        )
    return None


def validate(
    coupon_ids: Sequence[int | None],
    found: dict[int, Coupon],
    lines: Sequence[CouponLine],
    now: datetime,
) -> tuple[list[Coupon], list[DomainError]]:
    """The coupons the order may use, in application order, and every refusal."""
    errors = unknown(coupon_ids, found)
    missing = {tuple(e.field or ()) for e in errors}
    seen: set[int] = set()
    counts = {CouponKind.DISCOUNT: 0, CouponKind.CASH: 0}
    limits = {CouponKind.DISCOUNT: MAX_DISCOUNT, CouponKind.CASH: MAX_CASH}
    accepted: list[Coupon] = []
    for i, coupon_id in enumerate(coupon_ids):
        if (FIELD, i) in missing:
            continue
        assert coupon_id is not None
        coupon = found[coupon_id]
        if coupon_id in seen:
            errors.append(
                DomainError(ErrorCode.INVALID_INPUT, "A coupon is named once.", [FIELD, i])
            )
            continue
        seen.add(coupon_id)
        refusal = _refusal(coupon, lines, now)
        if refusal is not None:
            refusal.field = [FIELD, i]
            errors.append(refusal)
            continue
        # The limit counts the coupons that could apply: a refused one takes no place.
        counts[coupon.kind] += 1
        if counts[coupon.kind] > limits[coupon.kind]:
            errors.append(
                DomainError(
                    ErrorCode.INVALID_INPUT,
                    f"An order uses at most {MAX_DISCOUNT} DISCOUNT and {MAX_CASH} CASH coupons.",
                    [FIELD, i],
                )
            )
            continue
        accepted.append(coupon)
    return application_order(accepted), errors


def application_order(coupons: Sequence[Coupon]) -> list[Coupon]:
    """DISCOUNT first, then CASH by earliest expiry (then id)."""
    return sorted(coupons, key=lambda c: (c.kind is not CouponKind.DISCOUNT, c.valid_to, c.id))


def position_of(coupon_ids: Sequence[int | None], coupon_id: int) -> int:
    """The coupon's index in the caller's input (for a refusal found after pricing)."""
    return list(coupon_ids).index(coupon_id)


def nothing_to_deduct(coupon_ids: Sequence[int | None], coupon_id: int) -> DomainError:
    return DomainError(
        ErrorCode.COUPON_NOT_APPLICABLE,
        f"Coupon {label(coupon_id)} has nothing left to deduct on the lines it applies to.",
        [FIELD, position_of(coupon_ids, coupon_id)],
    )


def hold(coupons: Sequence[Coupon], order: Order) -> None:
    """The new unpaid order holds its coupons until its close time."""
    for coupon in coupons:
        usages.hold(coupon, order.id, order.close_at)


def record_shares(
    session: AsyncSession,
    order: Order,
    shares: Sequence[tuple[int, int, int, Decimal]],
) -> None:
    """One `OrderCoupon` row per (order line id, coupon id, position, amount)."""
    for line_id, coupon_id, position, amount in shares:
        session.add(
            OrderCoupon(
                partner_id=order.partner_id,
                order_id=order.id,
                order_line_id=line_id,
                coupon_id=coupon_id,
                position=position,
                amount=amount,
            )
        )


async def lock_for_orders(
    session: AsyncSession, partner_id: int, order_ids: Sequence[int | None]
) -> dict[int, Coupon]:
    """The coupons the orders' shares name, locked in id order (before the orders)."""
    ids = [i for i in order_ids if i is not None]
    if not ids:
        return {}
    coupon_ids = await session.scalars(
        select(OrderCoupon.coupon_id)
        .where(OrderCoupon.partner_id == partner_id, OrderCoupon.order_id.in_(ids))
        .distinct()
    )
    return await usages.lock_coupons(session, partner_id, list(coupon_ids))


async def use_for_order(
    session: AsyncSession,
    order: Order,
    locked: dict[int, Coupon],
    now: datetime,
    field: list[Any],
) -> None:
    """At the order's payment (or its completion at creation): each coupon pays its shares
    of the order (one usage, source ORDER) and the hold ends. The coupons are locked.

    A coupon the order no longer holds (it cannot happen through the API while the order is
    payable; a defence against a rule skipped elsewhere) refuses the payment.
    """
    rows = await session.execute(
        select(OrderCoupon.coupon_id, func.sum(OrderCoupon.amount))
        .where(OrderCoupon.partner_id == order.partner_id, OrderCoupon.order_id == order.id)
        .group_by(OrderCoupon.coupon_id)
        .order_by(OrderCoupon.coupon_id)
    )
    # func.sum keeps the column's Money(2) type: the sum comes back as Decimal cents.
    for coupon_id, amount in rows.all():
        coupon = locked.get(coupon_id)
        if (
            coupon is None
            or coupon.held_by_order_id != order.id
            or coupon.status not in USABLE
            or coupon.balance < amount
        ):
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Coupon {label(coupon_id)} can no longer pay this order; cancel it and order "
                "again.",
                field,
            )
        usages.use(session, coupon, amount, CouponUsageSource.ORDER, order_id=order.id)
        coupon.held_by_order_id = None
        coupon.held_until = None


async def release(session: AsyncSession, partner_id: int, order_ids: Sequence[int]) -> None:
    """A cancelled or closed order lets go of its coupons and vouchers."""
    await usages.release_holds(session, partner_id, order_ids)


async def release_lapsed(session: AsyncSession, now: datetime) -> int:
    """Clear every hold past its time (its order closed unpaid), coupons and vouchers, in
    the lock order (coupons by id, then vouchers by id). Reads are right without it
    (`states.is_held` compares `held_until` with now); this keeps the rows tidy. Runs in the
    close job's cross-partner scope."""
    from app.models import PickupVoucher

    count = 0
    for model in (Coupon, PickupVoucher):
        keys = (
            await session.execute(
                select(model.partner_id, model.id)
                .where(model.held_by_order_id.is_not(None), model.held_until <= now)
                .order_by(model.partner_id, model.id)
                .with_for_update()
            )
        ).all()
        by_partner: dict[int, list[int]] = {}
        for partner_id, row_id in keys:
            by_partner.setdefault(partner_id, []).append(row_id)
        for partner_id, ids in by_partner.items():
            await session.execute(
                update(model)
                .where(model.partner_id == partner_id, model.id.in_(ids))
                .values(held_by_order_id=None, held_until=None)
                .execution_options(synchronize_session="fetch")
            )
        count += len(keys)
    return count
