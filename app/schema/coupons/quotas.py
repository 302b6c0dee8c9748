"""Coupon quotas (券额度), their history, and the platform's `grantCouponQuota` and
`reclaimCouponQuota`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app import clock
from app.globalid import to_global_id
from app.resolvers.coupons import quotas as resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.money import Money, money
from app.schema.core.relay import After, Before, Connection, First, Last, Node, connection
from app.schema.core.scalars import Amount
from app.schema.coupons.enums import CouponQuotaRecordKind, CouponQuotaStatus
from app.schema.partners.partners import Partner
from app.services.coupons.states import quota_status

if TYPE_CHECKING:
    from app.schema.coupons.coupons import Coupon

KEY_DESCRIPTION = "Your unique key for this call; a retry with it returns the first result."


@strawberry.type(
    description="An amount the platform granted the partner to issue as coupons (券额度)."
)
class CouponQuota(Node):
    row: strawberry.Private[Any]
    status: CouponQuotaStatus = strawberry.field(
        description="ACTIVE within its validity, EXPIRED from validTo on (as of now)."
    )
    amount: Money = strawberry.field(description="What was granted.")
    remaining: Money = strawberry.field(
        description="What is still issuable (0 once its expiry is recorded)."
    )
    valid_from: datetime = strawberry.field(description="Start of validity (inclusive).")
    valid_to: datetime = strawberry.field(description="End of validity (exclusive).")
    remark: str = strawberry.field(description="The platform's note.")
    expired_at: datetime | None = strawberry.field(
        description="When the expiry job recorded its remainder lost (null before)."
    )
    created_at: datetime = strawberry.field(description="When it was granted.")

    @strawberry.field(
        description="Its history, newest first, each line with the remainder after it."
    )
    async def records(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CouponQuotaRecord]:
        page = await resolvers.quota_records(info.context, self.row.id, first, after, last, before)
        return connection(page, CouponQuotaRecord.from_row)

    @strawberry.field(description="The partner it was granted to.")
    async def partner(self, info: strawberry.Info) -> Partner | None:
        row = await partner_resolvers.load_partner(info.context, self.row.partner_id)
        return None if row is None else Partner.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> CouponQuota:
        return cls(
            id=strawberry.ID(to_global_id("CouponQuota", row.id)),
            row=row,
            status=quota_status(row, clock.now()),
            amount=money(row.amount),
            remaining=money(row.remaining),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            remark=row.remark,
            expired_at=row.expired_at,
            created_at=row.created_at,
        )


@strawberry.type(description="One line of a quota's history, with the remainder after it.")
class CouponQuotaRecord:
    row: strawberry.Private[Any]
    kind: CouponQuotaRecordKind = strawberry.field(description="What happened.")
    amount: Money = strawberry.field(
        description="The value it is about (granted, issued, returned, reclaimed, lost)."
    )
    delta: Money = strawberry.field(
        description="Signed change of the remainder (0 for COUPON_LOST)."
    )
    remaining_after: Money = strawberry.field(description="The quota's remainder after it.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="The coupon it is about (null for the quota's own lines).")
    async def coupon(
        self, info: strawberry.Info
    ) -> Annotated[Coupon, strawberry.lazy("app.schema.coupons.coupons")] | None:
        from app.schema.coupons.coupons import Coupon

        if self.row.coupon_id is None:
            return None
        row = await info.context.loaders.coupon.load(self.row.coupon_id)
        return None if row is None else Coupon.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> CouponQuotaRecord:
        return cls(
            row=row,
            kind=row.kind,
            amount=money(row.amount),
            delta=money(row.delta),
            remaining_after=money(row.remaining_after),
            created_at=row.created_at,
        )


@strawberry.input(description="Conditions on coupon quotas; all given ones apply.")
class CouponQuotaFilter:
    statuses: list[CouponQuotaStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now)."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only this partner's (the platform's filter; a partner sees its own only).",
    )


@strawberry.input(description="A coupon quota the platform grants a partner.")
class GrantCouponQuotaInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    amount: Amount = strawberry.field(description="Greater than 0, at most 2 decimals.")
    valid_from: datetime | None = strawberry.field(
        default=None, description="Start of validity (inclusive); now by default."
    )
    valid_to: datetime = strawberry.field(
        description="End of validity (exclusive): after validFrom and in the future."
    )
    remark: str = strawberry.field(default="", description="Note, at most 500 characters.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="Unused quota the platform takes back.")
class ReclaimCouponQuotaInput:
    quota_id: strawberry.ID = strawberry.field(description="The quota (ACTIVE).")
    amount: Amount | None = strawberry.field(
        default=None,
        description="Greater than 0, at most the remainder; the whole remainder by default.",
    )
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="Result of a change to a coupon quota.")
class CouponQuotaPayload:
    quota: CouponQuota | None = strawberry.field(
        description="The quota after the change (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


def _payload(outcome: Any) -> CouponQuotaPayload:
    return CouponQuotaPayload(
        quota=CouponQuota.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def grant_coupon_quota(
    info: strawberry.Info,
    input: Annotated[GrantCouponQuotaInput, strawberry.argument(description="The grant.")],
) -> CouponQuotaPayload:
    return _payload(await resolvers.grant_coupon_quota(info.context, input))


async def reclaim_coupon_quota(
    info: strawberry.Info,
    input: Annotated[ReclaimCouponQuotaInput, strawberry.argument(description="What to take.")],
) -> CouponQuotaPayload:
    return _payload(await resolvers.reclaim_coupon_quota(info.context, input))
