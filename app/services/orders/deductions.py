"""The order's pickup vouchers and coupons in its pricing step, shared by `orderQuote` and
order creation so the two agree to the cent.

1. `price_lines` prices every line (list, discounts).
2. A line's pickup voucher deducts first (`pricing.voucher_deduction`, rule PICKUP_VOUCHER).
3. The named coupons are validated against the lines' amounts so far
   (`order_coupons.validate`), then applied in their order (DISCOUNT, then CASH by earliest
   expiry) to what is left of the lines each applies to (`pricing.apply_coupons`); each
   coupon's deduction is split over its lines in proportion, and every line's
   `rules.coupons` explains its voucher and each coupon share.

Creation then writes one `OrderCoupon` row per positive share, and holds the coupons and
vouchers until the order's close time; the payment (`spend`) uses the coupons and redeems
the vouchers; a cancel or a close releases them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import Coupon, Order, OrderLine, PickupVoucher
from app.models.coupons.enums import CouponKind
from app.models.orders.enums import PeriodUnit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.coupons import order_coupons, order_vouchers
from app.services.coupons.order_coupons import CouponLine
from app.services.orders import pricing
from app.services.orders.lines import LineInput, PricedLine, explain, months_of, price_lines


@dataclass(frozen=True, slots=True)
class AppliedCoupon:
    """A coupon's deduction on the order: its step, amount with rule, and line shares
    (line index, amount with rule)."""

    coupon: Coupon
    position: int
    amount: pricing.Amount
    shares: tuple[tuple[int, pricing.Amount], ...]


@dataclass(slots=True)
class PricedOrder:
    lines: list[PricedLine]
    coupons: list[AppliedCoupon] = field(default_factory=list)
    # line index -> the voucher it redeems
    vouchers: dict[int, PickupVoucher] = field(default_factory=dict)


@dataclass(slots=True)
class Held:
    """The coupons and vouchers of orders about to be paid or cancelled, locked."""

    coupons: dict[int, Coupon] = field(default_factory=dict)
    vouchers: dict[int, PickupVoucher] = field(default_factory=dict)


def _service_type(p: PricedLine) -> Any:
    if p.product is not None:
        return p.product.service_type
    return p.resource.service_type if p.resource is not None else None


def _voucher_months(voucher: PickupVoucher) -> int:
    return voucher.period_count * (12 if voucher.period_unit is PeriodUnit.YEAR else 1)


def _voucher_price(p: PricedLine, voucher: PickupVoucher) -> pricing.LinePrice:
    product = p.product
    deduction = pricing.voucher_deduction(
        p.price,
        p.input.quantity,
        months_of(p.input),
        _voucher_months(voucher),
        pricing.subscription_price(
            product.monthly_price,
            product.yearly_price,
            1,
            months=voucher.period_count if voucher.period_unit is PeriodUnit.MONTH else None,
            years=voucher.period_count if voucher.period_unit is PeriodUnit.YEAR else None,
        ).due.value,
    )
    return pricing.with_voucher(p.price, deduction)


async def _vouchers(
    ctx: ServiceContext,
    customer: Any,
    priced: list[PricedLine],
    now: datetime,
    lock: bool,
    errors: list[DomainError],
) -> dict[int, PickupVoucher]:
    named = [p.input.pickup_voucher_id for p in priced]
    if not any(i is not None for i in named):
        return {}
    found = await order_vouchers.load(ctx, customer, named, lock=lock)
    seen: set[int] = set()
    chosen: dict[int, PickupVoucher] = {}
    for p in priced:
        voucher_id = p.input.pickup_voucher_id
        if voucher_id is None:
            continue
        refusal = order_vouchers.refusal(
            p.index, voucher_id, found, p.input.kind, p.product, seen, now
        )
        if refusal is not None:
            errors.append(refusal)
            continue
        chosen[p.index] = found[voucher_id]
        p.price = _voucher_price(p, found[voucher_id])
    return chosen


async def price_order(
    ctx: ServiceContext,
    customer: Any,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
    *,
    lock: bool = False,
    now: datetime | None = None,
) -> PricedOrder:
    """Price `lines` with their vouchers and `coupon_ids` for `customer`; raises every
    refusal at once (the lines' first: coupons are judged against priced lines). With
    `lock` the coupons and vouchers are locked (creation), else only read (a quote)."""
    now = now or clock.now()
    order_coupons.check_ids(coupon_ids)
    priced = await price_lines(ctx, customer, lines, now)
    errors: list[DomainError] = []
    vouchers = await _vouchers(ctx, customer, priced, now, lock, errors)
    bases = [CouponLine(k, _service_type(p), p.price.due.value) for k, p in enumerate(priced)]
    accepted: list[Coupon] = []
    if coupon_ids:
        found = await order_coupons.load(ctx, customer, coupon_ids, lock=lock)
        accepted, refused = order_coupons.validate(coupon_ids, found, bases, now)
        errors.extend(refused)
    if errors:
        raise DomainErrors(errors)
    terms = [
        pricing.CouponTerms(
            key=c.id,
            label=order_coupons.label(c.id),
            discount=c.kind is CouponKind.DISCOUNT,
            balance=c.balance,
            rate=c.rate,
            lines=order_coupons.applies_to(c, bases),
        )
        for c in accepted
    ]
    deductions = pricing.apply_coupons([b.amount for b in bases], terms)
    empty = [d.key for d in deductions if d.amount.value <= pricing.ZERO]
    if empty:
        raise DomainErrors([order_coupons.nothing_to_deduct(coupon_ids, key) for key in empty])
    by_id = {c.id: c for c in accepted}
    shares: dict[int, list[pricing.Amount]] = {}
    for d in deductions:
        for index, share in d.shares:
            shares.setdefault(index, []).append(share)
    for k, p in enumerate(priced):
        if k in shares:
            p.price = pricing.with_coupons(p.price, shares[k])
        p.rules = explain(p.price)
        if k in vouchers:
            p.rules["pickupVoucherId"] = vouchers[k].id
    applied = [AppliedCoupon(by_id[d.key], d.position, d.amount, d.shares) for d in deductions]
    return PricedOrder(priced, applied, vouchers)


async def resolve_ids(
    ctx: ServiceContext, customer: Any, lines: Sequence[LineInput], coupon_ids: Sequence[int | None]
) -> None:
    """NOT_FOUND (storing no idempotency key) for every coupon or voucher id that names
    nothing of the customer the caller may see."""
    errors: list[DomainError] = []
    named = [line.pickup_voucher_id for line in lines]
    if any(i is not None for i in named):
        found = await order_vouchers.load(ctx, customer, named, lock=False)
        errors.extend(
            DomainError(
                ErrorCode.NOT_FOUND,
                "No such pickup voucher of this customer.",
                order_vouchers.field(i),
            )
            for i, voucher_id in enumerate(named)
            if voucher_id is not None and voucher_id not in found
        )
    if coupon_ids:
        found_coupons = await order_coupons.load(ctx, customer, coupon_ids, lock=False)
        errors.extend(order_coupons.unknown(coupon_ids, found_coupons))
    if errors:
        raise DomainErrors(errors)


def take(ctx: ServiceContext, order: Order, lines: list[OrderLine], priced: PricedOrder) -> Held:
    """Write the order's coupon shares and hold its coupons and vouchers until it closes."""
    order_coupons.record_shares(
        ctx.session,
        order,
        [
            (lines[index].id, applied.coupon.id, applied.position, share.value)
            for applied in priced.coupons
            for index, share in applied.shares
        ],
    )
    coupons = [a.coupon for a in priced.coupons]
    vouchers = list(priced.vouchers.values())
    order_coupons.hold(coupons, order)
    order_vouchers.hold(vouchers, order)
    return Held({c.id: c for c in coupons}, {v.id: v for v in vouchers})


async def lock_held(
    session: AsyncSession, partner_id: int, order_ids: Sequence[int | None]
) -> Held:
    """Lock the coupons and vouchers of these orders (coupons by id, then vouchers by id),
    before the orders themselves."""
    return Held(
        await order_coupons.lock_for_orders(session, partner_id, order_ids),
        await order_vouchers.lock_for_orders(session, partner_id, order_ids),
    )


async def spend(
    session: AsyncSession,
    order: Order,
    lines: Sequence[OrderLine],
    held: Held,
    error_field: list[Any],
) -> None:
    """At payment (or completion at creation): the coupons pay their shares, each line's
    voucher is redeemed, and the holds end."""
    now = clock.now()
    await order_coupons.use_for_order(session, order, held.coupons, now, error_field)
    for line in lines:
        voucher_id = (line.rules or {}).get("pickupVoucherId")
        if voucher_id is not None:
            order_vouchers.redeem(
                held.vouchers.get(voucher_id), voucher_id, order, line.id, now, error_field
            )
    await session.flush()


async def release(session: AsyncSession, order: Order) -> None:
    """A cancelled order lets go of its coupons and vouchers (locked before the order)."""
    await order_coupons.release(session, order.partner_id, [order.id])
