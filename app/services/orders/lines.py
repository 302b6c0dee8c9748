"""Validating and pricing order lines (shared by the quote and by order creation).

Every problem is a `DomainError` with its field path `["lines", i, ...]`; all of
them are collected, so one call reports every bad line. An order has ONE kind: every line
shares it (an UNSUBSCRIBE completes at once, a NEW order waits for payment, so mixing them
would give one order two lifecycles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Customer, Product, Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.models.orders.enums import OrderKind, PeriodUnit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.orders import pricing
from app.services.orders.pricing import LinePrice

MAX_LINES = 20
MAX_QUANTITY = 100
MAX_MONTHS = 9
MAX_YEARS = 3
# DELETED is final and stored when it happens (the unsubscribe's completion), so the stored
# status answers "gone" truthfully; every other status lapses with time or arrears
# (app.services.core.resource_status) and none of them stops a RENEW or UNSUBSCRIBE line.
GONE = (ResourceStatus.DELETED,)


@dataclass(frozen=True, slots=True)
class LineInput:
    kind: OrderKind
    product_id: int | None = None
    resource_id: int | None = None
    quantity: int = 1
    period_unit: PeriodUnit | None = None
    period_count: int | None = None
    # A pickup voucher the line redeems (app.services.coupons.order_vouchers).
    pickup_voucher_id: int | None = None

    def key(self) -> dict[str, Any]:
        key: dict[str, Any] = {
            "kind": self.kind.value,
            "product": self.product_id,
            "resource": self.resource_id,
            "quantity": self.quantity,
            "unit": self.period_unit.value if self.period_unit else None,
            "count": self.period_count,
        }
        if self.pickup_voucher_id is not None:
            key["voucher"] = self.pickup_voucher_id
        return key


@dataclass(slots=True)
class PricedLine:
    """A validated line with its price (and, for downgrades and unsubscribes, what comes
    back is computed at completion)."""

    index: int
    input: LineInput
    price: LinePrice
    product: Any = None
    resource: Any = None
    downgrade_refund: Decimal = pricing.ZERO
    rules: dict[str, Any] = field(default_factory=dict)


def _path(i: int, name: str) -> list[str | int]:
    return ["lines", i, name]


def _check_period(i: int, line: LineInput, errors: list[DomainError]) -> None:
    if line.period_unit is None or line.period_count is None:
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "A period is required.", _path(i, "period"))
        )
        return
    limit = MAX_MONTHS if line.period_unit is PeriodUnit.MONTH else MAX_YEARS
    if not 1 <= line.period_count <= limit:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"A period is 1-{MAX_MONTHS} months or 1-{MAX_YEARS} years.",
                ["lines", i, "period", "count"],
            )
        )


def _months(line: LineInput) -> int:
    assert line.period_count is not None
    return line.period_count * (12 if line.period_unit is PeriodUnit.YEAR else 1)


def _subscription(product: Any, line: LineInput, quantity: int) -> LinePrice:
    years = line.period_count if line.period_unit is PeriodUnit.YEAR else None
    months = line.period_count if line.period_unit is PeriodUnit.MONTH else None
    return pricing.subscription_price(
        product.monthly_price, product.yearly_price, quantity, months=months, years=years
    )


def explain(price: LinePrice) -> dict[str, Any]:
    return {
        "list": price.list_amount.rule,
        "discounts": [d.rule for d in price.discounts],
        "coupons": [c.rule for c in price.coupons],
        "due": price.due.rule,
    }


async def price_lines(
    ctx: ServiceContext, customer: Customer, lines: Sequence[LineInput], now: datetime | None = None
) -> list[PricedLine]:
    """Validate `lines` for `customer` and price them; raises every problem at once."""
    now = now or clock.now()
    errors: list[DomainError] = []
    if not 1 <= len(lines) <= MAX_LINES:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"An order has 1 to {MAX_LINES} lines.", ["lines"]
        )
    kind = lines[0].kind
    product_ids = {line.product_id for line in lines if line.product_id is not None}
    resource_ids = {line.resource_id for line in lines if line.resource_id is not None}
    products = {
        p.id: p
        for p in await ctx.session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    resources = {
        r.id: r
        for r in await ctx.session.scalars(
            select(Resource).where(
                Resource.partner_id == customer.partner_id,
                Resource.customer_id == customer.id,
                Resource.id.in_(resource_ids),
            )
        )
    }
    # Products of the resources (renewals and changes are priced at what a resource runs as).
    current_ids = {r.product_id for r in resources.values() if r.product_id is not None}
    current = {
        p.id: p
        for p in await ctx.session.scalars(
            select(Product).where(Product.id.in_(current_ids - set(products)))
        )
    } | products
    priced: list[PricedLine] = []
    seen_resources: set[int] = set()
    region: str | None = None
    for i, line in enumerate(lines):
        before = len(errors)
        if line.kind is not kind:
            errors.append(
                DomainError(
                    ErrorCode.INVALID_INPUT,
                    f"Every line of an order has the same kind ({kind.value}).",
                    _path(i, "kind"),
                )
            )
            continue
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors.append(
                DomainError(
                    ErrorCode.INVALID_INPUT,
                    f"A quantity is 1 to {MAX_QUANTITY}.",
                    _path(i, "quantity"),
                )
            )
        product = resource = None
        if kind is OrderKind.NEW:
            if line.resource_id is not None:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        "A NEW line names a product, not a resource.",
                        _path(i, "resourceId"),
                    )
                )
            product = products.get(line.product_id) if line.product_id is not None else None
            if product is None or not product.active:
                errors.append(
                    DomainError(ErrorCode.NOT_FOUND, "No such product.", _path(i, "productId"))
                )
                continue
            if region is None:
                region = product.region
            elif product.region != region:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        f"Every product of an order is in one region ({region}).",
                        _path(i, "productId"),
                    )
                )
            if product.billing_mode is BillingMode.YEARLY_MONTHLY:
                _check_period(i, line, errors)
            elif line.period_unit is not None or line.period_count is not None:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        "An on-demand product has no period.",
                        _path(i, "period"),
                    )
                )
        else:
            resource = resources.get(line.resource_id) if line.resource_id is not None else None
            if resource is None or resource.status in GONE:
                errors.append(
                    DomainError(
                        ErrorCode.NOT_FOUND,
                        "No such resource of this customer.",
                        _path(i, "resourceId"),
                    )
                )
                continue
            if resource.id in seen_resources:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        "A resource appears on one line only.",
                        _path(i, "resourceId"),
                    )
                )
            seen_resources.add(resource.id)
            if line.quantity != 1:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        "A line on a resource has quantity 1.",
                        _path(i, "quantity"),
                    )
                )
            prepaid = resource.billing_mode is BillingMode.YEARLY_MONTHLY
            if kind in (OrderKind.RENEW, OrderKind.CHANGE_SPEC) and not prepaid:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        f"Only yearly/monthly resources can {kind.value.lower()}.",
                        _path(i, "resourceId"),
                    )
                )
            product = current.get(resource.product_id) if resource.product_id else None
            if kind is not OrderKind.UNSUBSCRIBE and product is None:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_STATE,
                        "The resource runs as no catalog product.",
                        _path(i, "resourceId"),
                    )
                )
            if kind is OrderKind.RENEW:
                _check_period(i, line, errors)
            elif kind is OrderKind.CHANGE_SPEC:
                target = products.get(line.product_id) if line.product_id is not None else None
                if target is None or not target.active:
                    errors.append(
                        DomainError(ErrorCode.NOT_FOUND, "No such product.", _path(i, "productId"))
                    )
                elif (
                    target.service_type != resource.service_type
                    or target.region != resource.region
                    or target.billing_mode is not resource.billing_mode
                ):
                    errors.append(
                        DomainError(
                            ErrorCode.INVALID_INPUT,
                            "The new product must be of the resource's service type, region "
                            "and billing mode.",
                            _path(i, "productId"),
                        )
                    )
                elif product is not None and target.id == product.id:
                    errors.append(
                        DomainError(
                            ErrorCode.INVALID_INPUT,
                            "The resource already runs as this product.",
                            _path(i, "productId"),
                        )
                    )
                if resource.expires_at is None or resource.expires_at <= now:
                    errors.append(
                        DomainError(
                            ErrorCode.INVALID_STATE,
                            "The resource has no remaining period to change; renew it first.",
                            _path(i, "resourceId"),
                        )
                    )
        if len(errors) > before:
            continue
        priced.append(_price(i, line, product, resource, products, now))
    if errors:
        raise DomainErrors(errors)
    return priced


def _price(
    i: int,
    line: LineInput,
    product: Any,
    resource: Any,
    products: dict[int, Any],
    now: datetime,
) -> PricedLine:
    if line.kind is OrderKind.NEW:
        price = (
            _subscription(product, line, line.quantity)
            if product.billing_mode is BillingMode.YEARLY_MONTHLY
            else pricing.on_demand_price()
        )
        return PricedLine(i, line, price, product=product, rules=explain(price))
    if line.kind is OrderKind.RENEW:
        price = _subscription(product, line, 1)
        return PricedLine(i, line, price, product=product, resource=resource, rules=explain(price))
    if line.kind is OrderKind.CHANGE_SPEC:
        target = products[line.product_id]  # type: ignore[index]
        price, refund = pricing.change_spec_price(
            product.monthly_price, target.monthly_price, now, resource.expires_at
        )
        return PricedLine(
            i,
            line,
            price,
            product=target,
            resource=resource,
            downgrade_refund=refund,
            rules=explain(price),
        )
    price = pricing.settle(
        pricing.Amount(pricing.ZERO, "UNSUBSCRIBE: nothing due; the unused part is refunded"), ()
    )
    return PricedLine(i, line, price, product=product, resource=resource, rules=explain(price))


def months_of(line: LineInput) -> int:
    return _months(line)
