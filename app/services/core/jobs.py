"""The job registry: domains register periodic jobs; `jobs run-due` runs the due ones.

Each job runs in its own transaction. Its `job_runs` row is locked while it runs (FOR UPDATE
SKIP LOCKED on PostgreSQL, the write lock on SQLite), so two overlapping `run-due` invocations
never run one job twice, and a job is due only when its interval has passed since it last
started. Jobs must be idempotent: running one again changes nothing that is already done.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.db import Database
from app.models import JobRun
from app.services.core import cross_partner
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal

log = logging.getLogger(__name__)

JobFunction = Callable[[ServiceContext], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every: timedelta
    run: JobFunction


REGISTRY: dict[str, Job] = {}

# Modules whose import registers their domain's jobs.
DOMAIN_MODULES = (
    "app.services.customers.resources",
    "app.services.funds.credit",
    "app.services.funds.withdrawal_due_dates",
    "app.services.core.idempotency",
    "app.services.lifecycle.registrations",
    "app.services.lifecycle.registration_reminders",
    "app.services.lifecycle.invitations",
    "app.services.lifecycle.association_changes",
    "app.services.lifecycle.disassociation_requests",
    "app.services.lifecycle.authorizations",
    "app.services.orders.orders",
    "app.services.partners.certification",
    "app.services.consumption.rating",
    "app.services.consumption.retention",
    "app.services.coupons.expiry",
)


def load_registry() -> dict[str, Job]:
    """Import every domain module so that all jobs are registered; returns the registry."""
    for module in DOMAIN_MODULES:
        importlib.import_module(module)
    return REGISTRY


def job(name: str, *, every: timedelta) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated coroutine as job `name`, due every `every`.

    A job sweeps every partner's rows, so it runs (also when called directly) in its own
    cross-partner scope, `job:<name>`, whose reason is the first line of its docstring."""

    def register(fn: JobFunction) -> JobFunction:
        known = REGISTRY.get(name)
        if known is not None and getattr(known.run, "__wrapped__", None) is not fn:
            raise ValueError(f"job {name!r} registered twice")
        reason = (fn.__doc__ or f"the platform job {name}").strip().splitlines()[0]
        scope = cross_partner.register(f"{cross_partner.JOB_PREFIX}{name}", reason)
        run = cross_partner.cross_partner(scope)(fn)
        REGISTRY[name] = Job(name, every, run)
        return run

    return register


@dataclass(frozen=True, slots=True)
class JobOutcome:
    name: str
    ran: bool
    result: str


async def run_due(database: Database, *, force: bool = False) -> list[JobOutcome]:
    """Run every registered job whose interval has passed (all of them with `force`)."""
    outcomes: list[JobOutcome] = []
    for entry in sorted(load_registry().values(), key=lambda j: j.name):
        async with database.session(write=True) as session:
            run = await session.scalar(
                select(JobRun).where(JobRun.name == entry.name).with_for_update(skip_locked=True)
            )
            now = clock.now()
            if run is None:
                if await session.get(JobRun, entry.name) is not None:
                    outcomes.append(JobOutcome(entry.name, False, "running elsewhere"))
                    continue
                run = JobRun(name=entry.name, last_started_at=now)
                session.add(run)
                try:
                    await session.flush()
                except IntegrityError:
                    outcomes.append(JobOutcome(entry.name, False, "running elsewhere"))
                    continue
            elif not force and now - run.last_started_at < entry.every:
                outcomes.append(JobOutcome(entry.name, False, "not due"))
                continue
            run.last_started_at = now
            ctx = ServiceContext(session, Principal.system(), request_id=f"job:{entry.name}")
            result = await entry.run(ctx)
            run.last_finished_at = clock.now()
            run.last_result = result[:500]
            await session.commit()
            log.info("job %s: %s", entry.name, result)
            outcomes.append(JobOutcome(entry.name, True, result))
    return outcomes
