"""`CASES` entries of the coupons mutations (see `mutation_cases`)."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.models.partners.enums import Role
from tests.core.mutation_cases import case, gid, partner_with
from tests.coupons.helpers import grant, issue
from tests.factories import iso, make_customer, make_partner, make_user, platform_token

# --- coupons ------------------------------------------------------------------------------


@case("grantCouponQuota")
async def _grant_coupon_quota(session, client):
    partner = await make_partner(session)
    return await platform_token(session), {
        "partnerId": gid("Partner", partner),
        "amount": "1000.00",
        "validTo": iso(clock.now() + timedelta(days=90)),
        "idempotencyKey": "audit-1",
    }


@case("reclaimCouponQuota")
async def _reclaim_coupon_quota(session, client):
    quota = await grant(session, await make_partner(session))
    return await platform_token(session), {
        "quotaId": gid("CouponQuota", quota),
        "idempotencyKey": "audit-1",
    }


@case("issueCoupons")
async def _issue_coupons(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    quota = await grant(session, partner)
    customer = await make_customer(session, partner)
    return finance, {
        "quotaId": gid("CouponQuota", quota),
        "customerIds": [gid("Customer", customer)],
        "kind": "CASH",
        "faceValue": "50.00",
        "validTo": iso(clock.now() + timedelta(days=30)),
        "idempotencyKey": "audit-1",
    }


@case("reclaimCoupons")
async def _reclaim_coupons(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    user = await make_user(session, partner, Role.FINANCE)
    [coupon] = await issue(
        session, user, await grant(session, partner), [await make_customer(session, partner)]
    )
    return finance, {"couponIds": [gid("Coupon", coupon)], "idempotencyKey": "audit-1"}
