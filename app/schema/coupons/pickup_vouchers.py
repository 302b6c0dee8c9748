"""Pickup vouchers (提货券): the node, its list and filter, `createPickupVouchers`, and the root
fields (`PickupVoucherQuery`, `PickupVoucherMutation`) the coupons roots mix in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.models.coupons.enums import PickupVoucherStatus
from app.resolvers.core.mutations import LoadedBulk
from app.resolvers.coupons import pickup_vouchers as resolvers
from app.schema.core.enums import graphql_enum
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import After, Before, Connection, First, Last, Node, connection
from app.schema.orders.mutations import KEY_DESCRIPTION
from app.schema.orders.orders import Period, PeriodInput

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.orders.orders import Order
    from app.schema.orders.products import Product

graphql_enum(
    PickupVoucherStatus,
    "Where a pickup voucher stands now; a voucher is used once.",
    {
        "AVAILABLE": "Can be redeemed by an order line of its product (an unpaid order may "
        "hold it: see `heldByOrder`).",
        "REDEEMED": "Used: the order named by `redeemedOrder` paid for its product with it.",
        "EXPIRED": "Its validity ended before it was redeemed (effective as soon as `validTo` "
        "passes, unless an unpaid order holds it).",
    },
)


@strawberry.type(
    description="A pickup voucher (提货券): one yearly/monthly product for one period, held by "
    "a RESELLER customer; an order line of that product naming it costs nothing for up to the "
    "voucher's period."
)
class PickupVoucher(Node):
    row: strawberry.Private[Any]
    period: Period = strawberry.field(description="The period it pays for.")
    status: PickupVoucherStatus = strawberry.field(description="Its status now.")
    valid_from: datetime = strawberry.field(description="From when it can be redeemed.")
    valid_to: datetime = strawberry.field(description="Until when it can be redeemed.")
    remark: str = strawberry.field(description="The platform's remark (empty if none).")
    redeemed_at: datetime | None = strawberry.field(
        description="When the redeeming order was paid (null until then)."
    )
    created_at: datetime = strawberry.field(description="When the platform created it.")

    @strawberry.field(description="The customer who holds it.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="The product (service type, region and spec) it is for.")
    async def product(
        self, info: strawberry.Info
    ) -> Annotated[Product, strawberry.lazy("app.schema.orders.products")] | None:
        from app.schema.orders.products import Product

        row = await info.context.loaders.product.load(self.row.product_id)
        return None if row is None else Product.from_row(row)

    @strawberry.field(
        description="The unpaid order holding it (null when none, or the hold has lapsed)."
    )
    async def held_by_order(
        self, info: strawberry.Info
    ) -> Annotated[Order, strawberry.lazy("app.schema.orders.orders")] | None:
        from app import clock
        from app.schema.orders.orders import Order
        from app.services.coupons.states import is_held

        if self.row.status is not PickupVoucherStatus.AVAILABLE:
            return None
        if not is_held(self.row, clock.now()):
            return None
        row = await info.context.loaders.order.load(self.row.held_by_order_id)
        return None if row is None else Order.from_row(row)

    @strawberry.field(description="The order that redeemed it (null until redeemed).")
    async def redeemed_order(
        self, info: strawberry.Info
    ) -> Annotated[Order, strawberry.lazy("app.schema.orders.orders")] | None:
        from app.schema.orders.orders import Order

        if self.row.redeemed_order_id is None:
            return None
        row = await info.context.loaders.order.load(self.row.redeemed_order_id)
        return None if row is None else Order.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> PickupVoucher:
        from app import clock
        from app.services.coupons.states import voucher_status

        return cls(
            id=strawberry.ID(to_global_id("PickupVoucher", row.id)),
            row=row,
            period=Period(unit=row.period_unit, count=row.period_count),
            status=voucher_status(row, clock.now()),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            remark=row.remark,
            redeemed_at=row.redeemed_at,
            created_at=row.created_at,
        )


@strawberry.input(description="Conditions a pickup voucher must meet; all given ones apply.")
class PickupVoucherFilter:
    customer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Held by any of these customers."
    )
    statuses: list[PickupVoucherStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now)."
    )
    product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For any of these products."
    )


@strawberry.input(
    description="Create pickup vouchers for a partner's RESELLER customers (PLATFORM)."
)
class CreatePickupVouchersInput:
    partner_id: strawberry.ID = strawberry.field(
        description="The partner whose customers they are."
    )
    customer_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 100 of the partner's current RESELLER customers: one voucher each."
    )
    product_id: strawberry.ID = strawberry.field(
        description="An active yearly/monthly product (its service type, region and spec)."
    )
    period: PeriodInput = strawberry.field(
        description="The period each voucher pays for: 1-9 months or 1-3 years."
    )
    valid_to: datetime = strawberry.field(
        description="Until when it can be redeemed: after `validFrom`, in the future, at most "
        "three years after `validFrom`."
    )
    valid_from: datetime | None = strawberry.field(
        default=None, description="From when it can be redeemed (default: now)."
    )
    remark: str = strawberry.field(default="", description="A remark (at most 500 characters).")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="One customer of `createPickupVouchers`.")
class PickupVoucherItemResult:
    index: int = strawberry.field(
        description="Position of the customer in `input.customerIds`, from 0."
    )
    pickup_voucher: PickupVoucher | None = strawberry.field(
        description="The voucher created (null when this item was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Why this item was refused (nothing of it was created); `field` is ["input", '
        '"customerIds", index]. Empty when it went through.'
    )


@strawberry.type(description="Result of `createPickupVouchers`: each customer on its own.")
class CreatePickupVouchersPayload:
    items: list[PickupVoucherItemResult] = strawberry.field(
        description="One entry per given customer, in input order (empty when the whole call "
        "was refused)."
    )
    pickup_vouchers: list[PickupVoucher] = strawberry.field(
        description="The vouchers created, in input order."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Every refusal: of the whole call (e.g. ["input", "productId"]) or of an '
        'item (["input", "customerIds", i], also in that item\'s `userErrors`).'
    )


def _payload(result: LoadedBulk) -> CreatePickupVouchersPayload:
    return CreatePickupVouchersPayload(
        items=[
            PickupVoucherItemResult(
                index=item.index,
                pickup_voucher=PickupVoucher.from_row(item.row) if item.row is not None else None,
                user_errors=user_errors(item.errors),
            )
            for item in result.items
        ],
        pickup_vouchers=[PickupVoucher.from_row(row) for row in result.rows],
        user_errors=user_errors(result.errors),
    )


async def create_pickup_vouchers(
    info: strawberry.Info,
    input: Annotated[CreatePickupVouchersInput, strawberry.argument(description="What to create.")],
) -> CreatePickupVouchersPayload:
    return _payload(await resolvers.create_pickup_vouchers(info.context, input))


@strawberry.type(description="Read entry points of pickup vouchers.")
class PickupVoucherQuery:
    @strawberry.field(
        description="Pickup vouchers the caller may see, newest first (提货券管理): a partner's "
        "customers' (every role; a SALES user limited to its managed customers sees theirs), a "
        "customer its own, the platform every partner's."
    )
    async def pickup_vouchers(
        self,
        info: strawberry.Info,
        filter: Annotated[
            PickupVoucherFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PickupVoucher]:
        page = await resolvers.list_pickup_vouchers(
            info.context, filter, first, after, last, before
        )
        return connection(page, PickupVoucher.from_row)


@strawberry.type(description="Changes to pickup vouchers.")
class PickupVoucherMutation:
    create_pickup_vouchers: CreatePickupVouchersPayload = strawberry.mutation(
        resolver=create_pickup_vouchers,
        description="Create one pickup voucher for each named RESELLER customer of a partner "
        "(PLATFORM; idempotent; each customer created or refused on its own).",
    )
