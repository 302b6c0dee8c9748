"""Operating a customer's resources under its OPERATIONS grant (代客运维).

DOMAIN > Customers > Authorizations: toggling auto-renew needs an active `OPERATIONS`
authorization of the (RESELLER) customer; renewing and unsubscribing are proxy orders
(`createProxyOrder` with kind RENEW / UNSUBSCRIBE), which accept `PROXY_ORDER` or
`OPERATIONS`. Acting under a grant: ADMIN, and SALES for the customers it manages.
"""

from __future__ import annotations

from app.models import Customer, Resource
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.lifecycle.enums import AuthorizationScope
from app.services.core import audit, resource_status
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible
from app.services.lifecycle.authorizations import require_authorization

FIELD = ("resourceId",)
# Statuses in which auto-renew still means something: the term runs, or has just ended and
# a renewal would bring the resource back (the grace period).
RENEWABLE = (ResourceStatus.ACTIVE, ResourceStatus.GRACE_PERIOD)


async def set_resource_auto_renew(
    ctx: ServiceContext, resource_id: int | None, auto_renew: bool
) -> int:
    """Turn a yearly/monthly resource's auto-renew on or off (ADMIN; SALES for the
    customers it manages) under the customer's active OPERATIONS grant.

    Refusals: another partner's resource or a missing one is `NOT_FOUND` (alike); a former
    customer's `ASSOCIATION_ENDED`; a REFERRAL customer (who grants no authorizations)
    `REFERRAL_MODE`; no active OPERATIONS grant (none, only PROXY_ORDER, pending, expired,
    revoked) `AUTHORIZATION_REQUIRED`; an on-demand resource (no term to renew), an EXPIRED
    or a DELETED one `AUTO_RENEW_NOT_APPLICABLE`. Setting the value it already has succeeds
    (and is audited): the call is idempotent by its nature, so it takes no key.
    """
    ctx.principal.require(Permission.RESOURCE_OPERATIONS)
    resource: Resource = await find_visible(
        ctx, Resource, resource_id, "No such resource.", FIELD, lock=True
    )
    customer: Customer = await find_visible(
        ctx, Customer, resource.customer_id, "No such resource.", FIELD
    )
    ctx.principal.require_acting_for(customer.account_manager_id)
    if customer.ended_at is not None:
        raise DomainError(
            ErrorCode.ASSOCIATION_ENDED,
            "The association with this resource's customer has ended.",
            list(FIELD),
        )
    if customer.association_type is not AssociationType.RESELLER:
        raise DomainError(
            ErrorCode.REFERRAL_MODE,
            "A REFERRAL customer manages its own resources; it grants no authorizations.",
            list(FIELD),
        )
    await require_authorization(ctx, customer.id, AuthorizationScope.OPERATIONS, field=FIELD)
    if resource.billing_mode is not BillingMode.YEARLY_MONTHLY:
        raise DomainError(
            ErrorCode.AUTO_RENEW_NOT_APPLICABLE,
            "An on-demand resource has no term to renew.",
            list(FIELD),
        )
    # A yearly/monthly resource's status does not depend on arrears.
    status = resource_status.rule_status(
        resource.status, resource.billing_mode, resource.expires_at, False, None
    )
    if status not in RENEWABLE:
        raise DomainError(
            ErrorCode.AUTO_RENEW_NOT_APPLICABLE,
            f"The resource is {status.value}; "
            + (
                "renew it with a RENEW order to bring it back."
                if status is ResourceStatus.EXPIRED
                else "it was released."
            ),
            list(FIELD),
        )
    before = resource.auto_renew
    resource.auto_renew = auto_renew
    await ctx.session.flush()
    await audit.record(
        ctx,
        "resource.set_auto_renew",
        "Resource",
        resource.id,
        partner_id=resource.partner_id,
        before={"autoRenew": before, "status": status},
        after={"autoRenew": auto_renew, "status": status},
    )
    return resource.id
