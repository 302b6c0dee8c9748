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
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence

from app.models import Order, OrderLine
from app.services.core.context import ServiceContext

# Modules whose import registers order-completion hooks (Consumption adds its own).
HOOK_MODULES: tuple[str, ...] = ("app.services.consumption.orders",)

CompletedHook = Callable[[ServiceContext, Order, Sequence[OrderLine]], Awaitable[None]]
COMPLETED_HOOKS: list[CompletedHook] = []


def on_order_completed(fn: CompletedHook) -> CompletedHook:
    """Run `fn(ctx, order, lines)` in the transaction where an order completes."""
    if fn not in COMPLETED_HOOKS:
        COMPLETED_HOOKS.append(fn)
    return fn


async def order_completed(ctx: ServiceContext, order: Order, lines: Sequence[OrderLine]) -> None:
    for module in HOOK_MODULES:
        importlib.import_module(module)
    for hook in COMPLETED_HOOKS:
        await hook(ctx, order, lines)
