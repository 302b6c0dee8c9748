"""Resolvers of pickup vouchers: `createPickupVouchers`, `pickupVouchers`,
`Customer.pickupVouchers`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, parse_optional_id
from app.resolvers.core.mutations import LoadedBulk, load_bulk, run_bulk_once
from app.services.core.errors import BadRequest
from app.services.core.pagination import Page, PageRequest
from app.services.coupons import pickup_vouchers as service
from app.services.coupons.pickup_vouchers import VoucherFilter, VoucherInput

if TYPE_CHECKING:
    from app.schema.coupons.pickup_vouchers import (
        CreatePickupVouchersInput,
        PickupVoucherFilter,
    )


def _ids(values: list[Any] | None, type_name: str, name: str) -> tuple[int, ...] | None:
    if values is None:
        return None
    out = []
    for value in values:
        row_id = parse_id(value, type_name)
        if row_id is None:
            raise BadRequest(f"{name} holds {value!r}, which is not a {type_name} id.")
        out.append(row_id)
    return tuple(out)


def to_filter(value: PickupVoucherFilter | None) -> VoucherFilter:
    if value is None:
        return VoucherFilter()
    return VoucherFilter(
        customer_ids=_ids(value.customer_ids, "Customer", "customerIds"),
        statuses=tuple(value.statuses) if value.statuses else None,
        product_ids=_ids(value.product_ids, "Product", "productIds"),
    )


async def create_pickup_vouchers(
    ctx: RequestContext, input: CreatePickupVouchersInput
) -> LoadedBulk:
    """Each customer on its own; the outcome is stored once and replayed for the same key."""
    voucher = VoucherInput(
        partner_id=parse_optional_id(input.partner_id, "Partner"),
        customer_ids=tuple(parse_optional_id(g, "Customer") for g in input.customer_ids),
        product_id=parse_optional_id(input.product_id, "Product"),
        period_unit=input.period.unit,
        period_count=input.period.count,
        valid_from=input.valid_from,
        valid_to=input.valid_to,
        remark=input.remark,
    )
    result = await run_bulk_once(
        lambda: service.create_pickup_vouchers.once(ctx.service, input.idempotency_key, voucher),
        "customerIds",
        len(voucher.customer_ids),
    )
    return await load_bulk(result, ctx.loaders.pickup_voucher)


async def list_pickup_vouchers(
    ctx: RequestContext,
    value: PickupVoucherFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_pickup_vouchers(ctx.service, to_filter(value), page)


async def customer_pickup_vouchers(
    ctx: RequestContext,
    customer_id: int,
    value: PickupVoucherFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """One customer's page, batched with the other customers of the list."""
    voucher_filter = replace(to_filter(value), customer_ids=None)
    args = (voucher_filter, PageRequest.from_args(first, after, last, before))
    return await ctx.loaders.pickup_voucher_page_by_customer.get(args).load(customer_id)
