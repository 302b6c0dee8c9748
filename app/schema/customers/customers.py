"""Customer type, its filter, ordering and the `updateCustomer` mutation's input/payload."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.customers import customers as resolvers
from app.resolvers.customers import resources as resource_resolvers
from app.resolvers.funds import accounts as funds_resolvers
from app.resolvers.lifecycle import authorizations as authorization_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.enums import OrderDirection
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import (
    After,
    Before,
    Connection,
    DateTimeRange,
    First,
    Last,
    Node,
    connection,
)
from app.schema.customers.enums import (
    AssociationState,
    AssociationType,
    CustomerOrderField,
    CustomerStatus,
)
from app.schema.customers.resources import Resource, ResourceFilter, ResourceOrder
from app.schema.funds.accounts import CustomerAccount
from app.schema.partners.partners import PartnerUser
from app.services.core.masking import mask_email, mask_name, mask_phone
from app.services.customers.customers import sees_partner_notes

if TYPE_CHECKING:
    from app.schema.consumption.consumption import CustomerConsumption
    from app.schema.coupons.coupons import Coupon, CouponFilter, CouponOrder
    from app.schema.coupons.pickup_vouchers import PickupVoucher, PickupVoucherFilter
    from app.schema.lifecycle.authorizations import Authorization
    from app.schema.orders.orders import Order, OrderFilter, OrderOrder


@strawberry.input(description="Ordering of a customer list.")
class CustomerOrder:
    field: CustomerOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Conditions a customer must meet; all given ones apply.")
class CustomerFilter:
    name_contains: str | None = strawberry.field(
        default=None, description="Name contains this text (case-insensitive)."
    )
    account_name_contains: str | None = strawberry.field(
        default=None, description="Cloud account name contains this text (case-insensitive)."
    )
    association_type: AssociationType | None = strawberry.field(
        default=None, description="Association type."
    )
    status: CustomerStatus | None = strawberry.field(default=None, description="Account status.")
    account_manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Managed by this partner user."
    )
    associated_between: DateTimeRange | None = strawberry.field(
        default=None, description="Association started within this range."
    )
    has_arrears: bool | None = strawberry.field(
        default=None,
        description="true: owes beyond its credit limit; false: does not.",
    )
    association_state: AssociationState = strawberry.field(
        default=AssociationState.CURRENT,
        description="Current customers by default; FORMER or ALL to include ended associations.",
    )


CustomerFilterInput = CustomerFilter


def _is_customer(info: strawberry.Info) -> bool:
    return not sees_partner_notes(info.context.principal)


@strawberry.type(description="A customer's contact, masked (stored in full, never shown so).")
class Contact:
    name: str = strawberry.field(description="Contact name, masked (张**).")
    phone: str = strawberry.field(description="Phone, masked (138****5678).")
    email: str = strawberry.field(description="Email, masked (a****@example.com).")


@strawberry.type(description="A customer: one association of a cloud account with the partner.")
class Customer(Node):
    db_id: strawberry.Private[int]
    account_manager_id: strawberry.Private[int | None]
    row: strawberry.Private[Any]
    name: str = strawberry.field(description="Company name of the cloud account.")
    account_name: str = strawberry.field(description="Cloud account name.")
    industry: str = strawberry.field(description="Industry.")
    region: str = strawberry.field(description="Home region of the account.")
    association_type: AssociationType = strawberry.field(
        description="Reseller (代售) or referral (顾问销售)."
    )
    status: CustomerStatus = strawberry.field(description="Account status.")
    associated_at: datetime = strawberry.field(description="When the association started.")
    ended_at: datetime | None = strawberry.field(
        description="When the association ended (null while current)."
    )

    @strawberry.field(
        description="The partner's labels for this customer (empty for the customer itself)."
    )
    def labels(self, info: strawberry.Info) -> list[str]:
        return [] if _is_customer(info) else list(self.row.labels or ())

    @strawberry.field(description="The partner's free-text remark (empty for the customer itself).")
    def remark(self, info: strawberry.Info) -> str:
        return "" if _is_customer(info) else self.row.remark

    @strawberry.field(description="Contact person, masked.")
    def contact(self) -> Contact:
        row = self.row
        return Contact(
            name=mask_name(row.contact_name),
            phone=mask_phone(row.contact_phone),
            email=mask_email(row.contact_email),
        )

    @strawberry.field(description="The partner user who manages this customer.")
    async def account_manager(self, info: strawberry.Info) -> PartnerUser | None:
        row = await partner_resolvers.load_partner_user(info.context, self.account_manager_id)
        return None if row is None else PartnerUser.from_row(row)

    @strawberry.field(description="Balance, credit limit and arrears (loaded in batch).")
    async def account(self, info: strawberry.Info) -> CustomerAccount:
        return CustomerAccount(
            position=await funds_resolvers.customer_position(info.context, self.db_id)
        )

    @strawberry.field(description="This customer's resources.")
    async def resources(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ResourceFilter | None,
            strawberry.argument(description="Conditions (customerId is ignored here)."),
        ] = None,
        order_by: Annotated[
            ResourceOrder | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Resource]:
        page = await resource_resolvers.customer_resources(
            info.context, self.db_id, filter, order_by, first, after, last, before
        )
        return connection(page, Resource.from_row)

    @strawberry.field(description="This customer's orders.")
    async def orders(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[OrderFilter, strawberry.lazy("app.schema.orders.orders")] | None,
            strawberry.argument(description="Conditions (customerId is ignored here)."),
        ] = None,
        order_by: Annotated[
            Annotated[OrderOrder, strawberry.lazy("app.schema.orders.orders")] | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Order, strawberry.lazy("app.schema.orders.orders")]]:
        from app.resolvers.orders import orders as order_resolvers
        from app.schema.orders.orders import Order

        page = await order_resolvers.customer_orders(
            info.context, self.db_id, filter, order_by, first, after, last, before
        )
        return connection(page, Order.from_row)

    @strawberry.field(description="This customer's coupons (newest first by default).")
    async def coupons(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[CouponFilter, strawberry.lazy("app.schema.coupons.coupons")] | None,
            strawberry.argument(description="Conditions (customerIds is ignored here)."),
        ] = None,
        order_by: Annotated[
            Annotated[CouponOrder, strawberry.lazy("app.schema.coupons.coupons")] | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Coupon, strawberry.lazy("app.schema.coupons.coupons")]]:
        from app.resolvers.coupons import coupons as coupon_resolvers
        from app.schema.coupons.coupons import Coupon

        page = await coupon_resolvers.customer_coupons(
            info.context, self.db_id, filter, order_by, first, after, last, before
        )
        return connection(page, Coupon.from_row)

    @strawberry.field(description="The pickup vouchers this customer holds, newest first.")
    async def pickup_vouchers(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[PickupVoucherFilter, strawberry.lazy("app.schema.coupons.pickup_vouchers")]
            | None,
            strawberry.argument(description="Conditions (customerIds is ignored here)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[
        Annotated[PickupVoucher, strawberry.lazy("app.schema.coupons.pickup_vouchers")]
    ]:
        from app.resolvers.coupons import pickup_vouchers as voucher_resolvers
        from app.schema.coupons.pickup_vouchers import PickupVoucher

        page = await voucher_resolvers.customer_pickup_vouchers(
            info.context, self.db_id, filter, first, after, last, before
        )
        return connection(page, PickupVoucher.from_row)

    @strawberry.field(
        description="This customer's consumption totals of one bill cycle (from rollups)."
    )
    async def consumption(
        self,
        info: strawberry.Info,
        cycle: Annotated[
            str | None,
            strawberry.argument(description="Bill cycle, YYYY-MM (default: the current one)."),
        ] = None,
    ) -> Annotated[CustomerConsumption, strawberry.lazy("app.schema.consumption.consumption")]:
        from app.resolvers.consumption import consumption as consumption_resolvers
        from app.schema.consumption.consumption import CustomerConsumption

        found = await consumption_resolvers.customer_consumption(info.context, self.db_id, cycle)
        return CustomerConsumption.of(*found)

    @strawberry.field(
        description="Pending and active authorizations (at most one pending per scope)."
    )
    async def open_authorizations(
        self, info: strawberry.Info
    ) -> list[Annotated[Authorization, strawberry.lazy("app.schema.lifecycle.authorizations")]]:
        from app.schema.lifecycle.authorizations import Authorization

        rows = await authorization_resolvers.open_authorizations(info.context, self.db_id)
        return [Authorization.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: Any) -> Customer:
        return cls(
            id=strawberry.ID(to_global_id("Customer", row.id)),
            db_id=row.id,
            account_manager_id=row.account_manager_id,
            row=row,
            name=row.name,
            account_name=row.account_name,
            industry=row.industry,
            region=row.region,
            association_type=row.association_type,
            status=row.status,
            associated_at=row.associated_at,
            ended_at=row.ended_at,
        )


@strawberry.input(description="Labels and/or remark to set on a customer; omitted fields stay.")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    labels: list[str] | None = strawberry.field(
        default=None,
        description="Replaces all labels: at most 20, each 1-32 characters, trimmed, unique.",
    )
    remark: str | None = strawberry.field(
        default=None, description="Replaces the remark: at most 500 characters."
    )


@strawberry.type(description="Result of `updateCustomer`.")
class UpdateCustomerPayload:
    customer: Customer | None = strawberry.field(
        description="The customer as updated (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; empty on success."
    )


async def update_customer(
    info: strawberry.Info,
    input: Annotated[UpdateCustomerInput, strawberry.argument(description="What to change.")],
) -> UpdateCustomerPayload:
    outcome = await resolvers.update_customer(info.context, input)
    return UpdateCustomerPayload(
        customer=Customer.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


@strawberry.input(description="The customer to freeze, and why.")
class FreezeCustomerInput:
    id: strawberry.ID = strawberry.field(description="A current customer.")
    reason: str | None = strawberry.field(
        default=None, description="Why (kept in the audit log; at most 500 characters)."
    )


@strawberry.input(description="The customer to unfreeze.")
class UnfreezeCustomerInput:
    id: strawberry.ID = strawberry.field(description="A frozen current customer.")
    reason: str | None = strawberry.field(
        default=None, description="Why (kept in the audit log; at most 500 characters)."
    )


@strawberry.type(description="Result of `freezeCustomer`.")
class FreezeCustomerPayload:
    customer: Customer | None = strawberry.field(
        description="The customer, now FROZEN (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `unfreezeCustomer`.")
class UnfreezeCustomerPayload:
    customer: Customer | None = strawberry.field(
        description="The customer, now ACTIVE (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def freeze_customer(
    info: strawberry.Info,
    input: Annotated[FreezeCustomerInput, strawberry.argument(description="Whom, and why.")],
) -> FreezeCustomerPayload:
    outcome = await resolvers.freeze_customer(info.context, input.id, input.reason)
    return FreezeCustomerPayload(
        customer=Customer.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def unfreeze_customer(
    info: strawberry.Info,
    input: Annotated[UnfreezeCustomerInput, strawberry.argument(description="Whom.")],
) -> UnfreezeCustomerPayload:
    outcome = await resolvers.unfreeze_customer(info.context, input.id, input.reason)
    return UnfreezeCustomerPayload(
        customer=Customer.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )
