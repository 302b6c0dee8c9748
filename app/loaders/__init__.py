"""Per-request DataLoaders: one `SELECT ... IN (...)` per batch, read through service scoping.

Each domain declares its loaders in its own module (`app/loaders/<domain>.py`) as a class
with a `setup(ctx)` method; `Loaders` combines them, so a resolver reads
`info.context.loaders.customer` whatever domain the loader belongs to.
"""

from __future__ import annotations

from aiodataloader import DataLoader

from app.loaders.base import LoaderFamily
from app.loaders.consumption import ConsumptionLoaders
from app.loaders.coupons import CouponLoaders, PickupVoucherLoaders
from app.loaders.customers import CustomerLoaders
from app.loaders.funds import FundsLoaders
from app.loaders.invoices import InvoiceLoaders
from app.loaders.lifecycle import LifecycleLoaders
from app.loaders.orders import OrderLoaders
from app.loaders.partners import PartnerLoaders
from app.services.core.context import ServiceContext

DOMAINS = (
    PartnerLoaders,
    CustomerLoaders,
    LifecycleLoaders,
    FundsLoaders,
    OrderLoaders,
    ConsumptionLoaders,
    PickupVoucherLoaders,
    CouponLoaders,
    InvoiceLoaders,
)


class Loaders(
    PartnerLoaders,
    CustomerLoaders,
    LifecycleLoaders,
    FundsLoaders,
    OrderLoaders,
    ConsumptionLoaders,
    PickupVoucherLoaders,
    CouponLoaders,
    InvoiceLoaders,
):
    """Every loader of one request. Loaders read through the request's scoped services."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        for domain in DOMAINS:
            domain.setup(self, ctx)

    def release(self) -> None:
        """Forget every cached value once the request has its answer.

        A loader's cache holds pages whose `totalCount` closures hold the loaders again: a
        request's whole object graph (rows, objects, futures: ~4,000 for the console's
        customer list) is one reference cycle that only the cyclic collector can free, and
        its full passes over that garbage took 75-120 ms every second under load (the tail of
        A's latency). Emptied caches break the cycle, so reference counting frees it all.
        """
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                value.clear_all()
            elif isinstance(value, LoaderFamily):
                value.release()
