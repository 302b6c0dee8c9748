"""Issuing coupons (发券) from a quota to the partner's RESELLER customers (`issueCoupons`,
FINANCE and ADMIN).

Readings where the issue is silent (docs/coupons.md > Issuing):

- the whole call is refused (top-level userErrors, nothing issued, no key stored) for: 0 or
  more than 100 customers or one named twice; CASH without `faceValue` or with `rate`/`cap`;
  DISCOUNT without `rate` and `cap` or with `faceValue`; a rate outside 0 < rate < 1 or with
  more than 4 decimals; an amount <= 0 or with more than 2 decimals; a negative minimum;
  more than 10 service types or one named twice; validTo not after validFrom or not in the
  future (validFrom omitted: now, or the quota's start if it starts later);
- after the key is claimed, the whole call is refused (stored and replayed) when the quota
  is EXPIRED (`INVALID_STATE`) or the coupon's validity is not inside the quota's
  (`INVALID_INPUT` at validFrom/validTo);
- each customer is then an item of its own, in input order: NOT_FOUND (missing, or another
  partner's), `ASSOCIATION_ENDED` (a former customer: it can no longer spend a coupon),
  `REFERRAL_MODE`, `QUOTA_EXCEEDED` when what is left of the remainder cannot cover the
  coupon's value (the face value, or the DISCOUNT's cap) -- so the first items are issued
  and the later ones refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Coupon, CouponQuota, Customer
from app.models.coupons.enums import CouponKind, CouponQuotaStatus, CouponStatus
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.models.customers.enums import AssociationType, ServiceType
from app.services.core import audit
from app.services.core.bulk import BulkResult, each_item
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents, check_amount
from app.services.core.principal import Permission
from app.services.coupons import quota_records
from app.services.coupons.quotas import check_validity
from app.services.coupons.states import quota_status

MAX_CUSTOMERS = 100
MAX_SERVICE_TYPES = 10
RATE_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """What every coupon of one `issueCoupons` call is."""

    kind: CouponKind
    valid_to: datetime
    valid_from: datetime | None = None
    face_value: Decimal | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    service_types: tuple[ServiceType, ...] = ()
    minimum_order_amount: Decimal = Decimal("0.00")

    @property
    def value(self) -> Decimal:
        """What one coupon draws from the quota: the face value, or the cap."""
        drawn = self.face_value if self.kind is CouponKind.CASH else self.cap
        assert drawn is not None
        return cents(drawn)


def _error(message: str, *field: str | int) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, list(field))


def _value_errors(terms: CouponTerms) -> list[DomainError]:
    if terms.kind is CouponKind.CASH:
        errors = [
            _error(f"A CASH coupon has no {name}.", name)
            for name, given in (("rate", terms.rate), ("cap", terms.cap))
            if given is not None
        ]
        if terms.face_value is None:
            return [*errors, _error("A CASH coupon needs a faceValue.", "faceValue")]
        return errors + check_amount(terms.face_value, ("faceValue",))
    errors = []
    if terms.face_value is not None:
        errors.append(_error("A DISCOUNT coupon has a rate and a cap, no faceValue.", "faceValue"))
    if terms.rate is None:
        errors.append(_error("A DISCOUNT coupon needs a rate (the share paid).", "rate"))
    elif not Decimal(0) < terms.rate < Decimal(1) or terms.rate != terms.rate.quantize(
        RATE_QUANTUM
    ):
        errors.append(
            _error("The rate is the share paid: 0 < rate < 1, at most 4 decimals.", "rate")
        )
    if terms.cap is None:
        errors.append(_error("A DISCOUNT coupon needs a cap (the most it deducts).", "cap"))
    else:
        errors += check_amount(terms.cap, ("cap",))
    return errors


def check_terms(customer_ids: Sequence[int | None], terms: CouponTerms) -> None:
    """The input rules that refuse the whole call (`DomainErrors`)."""
    errors = []
    if not 1 <= len(customer_ids) <= MAX_CUSTOMERS:
        errors.append(_error(f"Give 1 to {MAX_CUSTOMERS} customers at once.", "customerIds"))
    known = [i for i in customer_ids if i is not None]
    if len(set(known)) != len(known):
        errors.append(_error("A customer appears twice.", "customerIds"))
    errors += _value_errors(terms)
    if len(terms.service_types) > MAX_SERVICE_TYPES:
        errors.append(_error(f"At most {MAX_SERVICE_TYPES} service types.", "serviceTypes"))
    if len(set(terms.service_types)) != len(terms.service_types):
        errors.append(_error("A service type appears twice.", "serviceTypes"))
    errors += check_amount(terms.minimum_order_amount, ("minimumOrderAmount",), allow_zero=True)
    now = clock.now()
    errors += check_validity(terms.valid_from or now, terms.valid_to, now)
    if errors:
        raise DomainErrors(errors)


def _issue_key(
    quota_id: int | None, customer_ids: Sequence[int | None], terms: CouponTerms
) -> dict[str, Any]:
    check_terms(customer_ids, terms)
    return {
        "quota": quota_id,
        "customers": list(customer_ids),
        "kind": terms.kind.value,
        "faceValue": None if terms.face_value is None else str(cents(terms.face_value)),
        "rate": None if terms.rate is None else str(terms.rate.quantize(RATE_QUANTUM)),
        "cap": None if terms.cap is None else str(cents(terms.cap)),
        "validFrom": terms.valid_from.isoformat() if terms.valid_from else None,
        "validTo": terms.valid_to.isoformat(),
        "serviceTypes": [s.value for s in terms.service_types],
        "minimumOrderAmount": str(cents(terms.minimum_order_amount)),
    }


async def _authorize_issue(ctx: ServiceContext, quota_id: int | None, *_: Any) -> None:
    ctx.principal.require(Permission.COUPONS_INVOICES)
    await resolve(ctx, CouponQuota, quota_id, ["quotaId"], "No such coupon quota.")


def _check_quota(quota: CouponQuota, terms: CouponTerms, valid_from: datetime) -> None:
    if quota_status(quota, clock.now()) is CouponQuotaStatus.EXPIRED:
        raise DomainError(
            ErrorCode.INVALID_STATE, "The quota has expired: it issues nothing more.", ["quotaId"]
        )
    errors = []
    if valid_from < quota.valid_from:
        errors.append(
            _error(
                f"The coupon's validity starts before the quota's ({quota.valid_from}).",
                "validFrom",
            )
        )
    if terms.valid_to <= valid_from:  # validFrom omitted: the quota starts later
        errors.append(_error("validTo must be after the coupon's start.", "validTo"))
    if terms.valid_to > quota.valid_to:
        errors.append(
            _error(f"The coupon's validity ends after the quota's ({quota.valid_to}).", "validTo")
        )
    if errors:
        raise DomainErrors(errors)


@idempotent("issueCoupons", bind=_issue_key, authorize=_authorize_issue, ids=BulkResult.stored)
async def issue_coupons(
    ctx: ServiceContext,
    quota_id: int | None,
    customer_ids: Sequence[int | None],
    terms: CouponTerms,
) -> BulkResult:
    """One coupon per customer drawn from the quota, each customer on its own (see the
    module's docstring for every rule); one ISSUE record and one audit event per coupon."""
    ctx.principal.require(Permission.COUPONS_INVOICES)
    check_terms(customer_ids, terms)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    quota = (await quota_records.lock_quotas(ctx.session, partner_id, [quota_id or 0])).get(
        quota_id or 0
    )
    if quota is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such coupon quota.", ["quotaId"])
    # Omitted: from now, or from the quota's start if it starts later.
    valid_from = terms.valid_from or max(clock.now(), quota.valid_from)
    _check_quota(quota, terms, valid_from)
    customers = {
        c.id: c
        for c in await ctx.session.scalars(
            select(Customer).where(
                Customer.partner_id == partner_id,
                Customer.id.in_([i for i in customer_ids if i is not None]),
            )
        )
    }
    value = terms.value

    async def issue(index: int, customer_id: int | None) -> int:
        field: list[Any] = ["customerIds", index]
        customer = customers.get(customer_id) if customer_id is not None else None
        if customer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", field)
        if customer.ended_at is not None:
            raise DomainError(
                ErrorCode.ASSOCIATION_ENDED, "The association with this customer has ended.", field
            )
        if customer.association_type is not AssociationType.RESELLER:
            raise DomainError(
                ErrorCode.REFERRAL_MODE,
                "Coupons are issued only to RESELLER customers; a REFERRAL customer gets the "
                "vendor's own.",
                field,
            )
        if value > quota.remaining:
            raise DomainError(
                ErrorCode.QUOTA_EXCEEDED,
                f"The quota's remainder is {quota.remaining}; this coupon draws {value}.",
                field,
            )
        coupon = Coupon(
            partner_id=partner_id,
            quota_id=quota.id,
            customer_id=customer.id,
            kind=terms.kind,
            status=CouponStatus.AVAILABLE,
            face_value=None if terms.face_value is None else cents(terms.face_value),
            rate=None if terms.rate is None else terms.rate.quantize(RATE_QUANTUM),
            cap=None if terms.cap is None else cents(terms.cap),
            value=value,
            balance=value,
            valid_from=valid_from,
            valid_to=terms.valid_to,
            service_types=[s.value for s in terms.service_types],
            minimum_order_amount=cents(terms.minimum_order_amount),
            issued_by_user_id=ctx.principal.user_id,
        )
        ctx.session.add(coupon)
        await ctx.session.flush()
        quota_records.record(ctx, quota, Kind.ISSUE, value, coupon_id=coupon.id)
        await ctx.session.flush()
        await audit.record(
            ctx,
            "coupons.issue",
            "Coupon",
            coupon.id,
            partner_id=partner_id,
            after={
                "customerId": customer.id,
                "quotaId": quota.id,
                "kind": terms.kind,
                "value": value,
                "quotaRemaining": quota.remaining,
            },
        )
        return coupon.id

    async def reread_quota() -> None:
        await ctx.session.refresh(quota)

    return BulkResult(items=await each_item(ctx, customer_ids, issue, reread_quota))
