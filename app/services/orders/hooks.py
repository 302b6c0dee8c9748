"""What other domains do when an order completes (registered hooks, run in its transaction).

    from app.services.orders.hooks import on_order_completed

    @on_order_completed
    async def write_consumption_detail(ctx, order, lines) -> None: ...

`order` is the `Order` row (status COMPLETED, `paid_at` set when it was paid, `payer` the
payer) and `lines` its `OrderLine` rows, with `term_start`/`term_end` and the resources they
provisioned (`resource_id`; NEW lines: `Resource.order_line_id`). Hooks run after the
resources are provisioned and the money moved, inside the same transaction, so a failing
hook rolls the whole completion back. A contributing module lists itself in
`HOOK_MODULES` so its hooks are registered whichever entry point runs first.

    from app.services.orders.hooks import on_order_refunded

    @on_order_refunded
    async def reverse_consumption(ctx, refund, paid, line) -> None: ...

runs in the transaction of every refund an unsubscribe or a downgrade gives back, once its
`OrderRefund` row and ledger posting are written: `refund` is that row, `paid` the order whose
money comes back and `line` its line that bought the refunded time.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence

from app.models import Order, OrderLine, OrderRefund
from app.services.core.context import ServiceContext

# Modules whose import registers order hooks (Consumption adds its own).
HOOK_MODULES: tuple[str, ...] = ("app.services.consumption.orders",)

CompletedHook = Callable[[ServiceContext, Order, Sequence[OrderLine]], Awaitable[None]]
COMPLETED_HOOKS: list[CompletedHook] = []
RefundedHook = Callable[[ServiceContext, OrderRefund, Order, OrderLine], Awaitable[None]]
REFUNDED_HOOKS: list[RefundedHook] = []


def _register() -> None:
    for module in HOOK_MODULES:
        importlib.import_module(module)


def on_order_completed(fn: CompletedHook) -> CompletedHook:
    """Run `fn(ctx, order, lines)` in the transaction where an order completes."""
    if fn not in COMPLETED_HOOKS:
        COMPLETED_HOOKS.append(fn)
    return fn


async def order_completed(ctx: ServiceContext, order: Order, lines: Sequence[OrderLine]) -> None:
    _register()
    for hook in COMPLETED_HOOKS:
        await hook(ctx, order, lines)


def on_order_refunded(fn: RefundedHook) -> RefundedHook:
    """Run `fn(ctx, refund, paid, line)` in the transaction of every refund."""
    if fn not in REFUNDED_HOOKS:
        REFUNDED_HOOKS.append(fn)
    return fn


async def order_refunded(
    ctx: ServiceContext, refund: OrderRefund, paid: Order, line: OrderLine
) -> None:
    _register()
    for hook in REFUNDED_HOOKS:
        await hook(ctx, refund, paid, line)
