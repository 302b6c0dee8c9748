"""The console entry point: `partner-console` / `python -m app`.

Flat core commands (serve, migrate, seed-demo, create-token, revoke-token, export-schema) and
one group per domain for its batch work (`jobs run-due`, ...).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from app.settings import get_settings

T = TypeVar("T")


def _run(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work(database)` on a fresh engine, disposing of it afterwards."""
    from app.db import Database

    async def main() -> T:
        database = Database(get_settings())
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(main())


@click.group()
def main() -> None:
    """Partner Console API: serve it, migrate it, seed it, and run its batch work."""


@main.command()
@click.option("--host", default=None, help="Bind address (default: HOST setting).")
@click.option("--port", default=None, type=int, help="Port (default: PORT setting).")
@click.option("--workers", type=int, help="Worker processes sharing the load (default: WORKERS).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development, 1 worker).")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Serve the API (GraphiQL at /graphql); docs/operations.md > Serving."""
    from app import serving

    settings = get_settings()
    try:
        opts = serving.serve_options(settings, host=host, port=port, workers=workers, reload=reload)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if code := serving.serve(settings, opts):
        raise SystemExit(code)


@main.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def migrate(revision: str) -> None:
    """Apply Alembic migrations to DATABASE_URL."""
    from app.migrate import upgrade

    upgrade(revision=revision)
    click.echo(f"migrated to {revision}")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load deterministic demo data (idempotent) and print fresh demo tokens."""
    from app.demo.seed import seed

    lines = _run(seed)
    for line in lines:
        click.echo(line)


@main.command("create-token")
@click.option("--partner-id", type=int, help="Partner to act for (with --role).")
@click.option(
    "--role",
    type=click.Choice(["ADMIN", "FINANCE", "SALES", "VIEWER"]),
    help="Role of the partner user (one is created if the partner has none with it).",
)
@click.option("--user-id", type=int, help="Existing partner user to act as (instead of --role).")
@click.option("--customer-id", type=int, help="Customer whose cloud account the token is for.")
@click.option("--platform", is_flag=True, help="A platform (cloud vendor) token.")
@click.option("--label", default="cli", show_default=True, help="Label stored with the token.")
@click.option(
    "--expires-in",
    type=int,
    default=None,
    help="Days until the token expires (default: never; at most API_TOKEN_MAX_LIFETIME_DAYS).",
)
def create_token(
    partner_id: int | None,
    role: str | None,
    user_id: int | None,
    customer_id: int | None,
    platform: bool,
    label: str,
    expires_in: int | None,
) -> None:
    """Create an API token and print it (it is shown only once)."""
    from app.services.partners.token_admin import TokenRequest, issue_token

    request = TokenRequest(partner_id, role, user_id, customer_id, platform, label, expires_in)
    try:
        token = _run(lambda db: issue_token(db, request))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(token)


@main.command("revoke-token")
@click.option("--id", "token_id", help="The token's id (the ApiToken id `apiTokens` lists).")
@click.option("--token", "raw", help="The token itself (e.g. the one being rotated out).")
def revoke_token(token_id: str | None, raw: str | None) -> None:
    """Revoke an API token: it answers 401 from the next request."""
    from app.services.partners.token_admin import revoke_token as revoke

    row_id = None if token_id is None else _token_row_id(token_id)
    try:
        revoked = _run(lambda db: revoke(db, token_id=row_id, raw=raw))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"revoked token {revoked}")


def _token_row_id(value: str) -> int:
    """A token's row id from its global id (or the plain number)."""
    from app.globalid import from_global_id

    if value.isdigit():
        return int(value)
    try:
        type_name, row_id = from_global_id(value)
    except ValueError:
        type_name, row_id = "", 0
    if type_name != "ApiToken":
        raise click.UsageError(f"--id is not a token id: {value!r}.")
    return row_id


@main.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL (what `schema.graphql` holds)."""
    from app.schema import schema

    sys.stdout.write(schema.as_str() + "\n")


@main.group()
def jobs() -> None:
    """Periodic jobs registered by the domains."""


@jobs.command("run-due")
@click.option("--force", is_flag=True, help="Run every job, due or not.")
def run_due(force: bool) -> None:
    """Run every due job once (safe to call from cron every minute)."""
    from app.services.core.jobs import run_due as run

    outcomes = _run(lambda db: run(db, force=force))
    for outcome in outcomes:
        click.echo(f"{outcome.name}: {outcome.result}")


@main.group()
def funds() -> None:
    """Money: check the books."""


@funds.command("verify")
def funds_verify() -> None:
    """Recompute every balance from the ledger; exit 1 if anything disagrees."""
    from app.services.funds.verify import verify

    async def work(database: Any) -> list[str]:
        async with database.session() as session:
            return await verify(session)

    problems = _run(work)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("ledger verified: every balance matches its entries")


@main.group()
def coupons() -> None:
    """Coupons: check the quota books."""


@coupons.command("verify")
def coupons_verify() -> None:
    """Check every coupon quota's books (docs/coupons.md > Books); exit 1 on a mismatch."""
    from app.services.coupons.verify import verify

    async def work(database: Any) -> list[str]:
        async with database.session() as session:
            return await verify(session)

    problems = _run(work)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("coupons verified: every quota's and every coupon's books balance")


@jobs.command("list")
def list_jobs() -> None:
    """List registered jobs and their intervals."""
    from app.services.core.jobs import load_registry

    for name, job in sorted(load_registry().items()):
        click.echo(f"{name}\tevery {job.every}")


@main.group()
def consumption() -> None:
    """Consumption: ingest usage, rate, close bill cycles, check the rollups."""


def _read_records(path: str) -> Any:
    """Records of an NDJSON (.ndjson/.jsonl) or CSV file, one at a time (streaming)."""
    import csv
    import json

    with open(path, encoding="utf-8", newline="") as handle:
        if path.endswith(".csv"):
            yield from csv.DictReader(handle)
            return
        for line in handle:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                yield {"_invalid": line.strip()[:200]}


@consumption.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--batch-size", default=1000, show_default=True, help="Records per transaction.")
@click.option("--rejects", default=None, help="Where rejected records go (default FILE.rejects).")
def consumption_ingest(file: str, batch_size: int, rejects: str | None) -> None:
    """Ingest usage records / bandwidth samples from an NDJSON or CSV file (idempotent)."""
    import json

    from app.services.consumption.ingest import IngestResult, ingest_batch
    from app.services.consumption.rating import rate_pending
    from app.services.core.context import ServiceContext
    from app.services.core.principal import Principal

    rejects_path = rejects or f"{file}.rejects"
    total = IngestResult()
    with open(file, encoding="utf-8") as handle:
        lines = sum(1 for _ in handle)

    async def work(database: Any) -> None:
        batch: list[Any] = []
        line = 1

        async def flush() -> None:
            nonlocal line
            async with database.session(write=True) as session:
                ctx = ServiceContext(session, Principal.system(), "cli")
                result = await ingest_batch(ctx, batch, first_line=line, rate=False)
                await session.commit()
            total.add(result)
            line += len(batch)
            batch.clear()

        with click.progressbar(length=lines, label="ingesting", file=sys.stderr) as bar:
            for record in _read_records(file):
                batch.append(record)
                if len(batch) >= batch_size:
                    size = len(batch)
                    await flush()
                    bar.update(size)
            if batch:
                size = len(batch)
                await flush()
                bar.update(size)
        async with database.session(write=True) as session:
            total.rating = await rate_pending(ServiceContext(session, Principal.system(), "cli"))
            await session.commit()

    _run(work)
    if total.rejected:
        with open(rejects_path, "w", encoding="utf-8") as out:
            for r in total.rejected:
                rejected = {"line": r.line, "sourceId": r.source_id, "field": r.field}
                out.write(json.dumps({**rejected, "reason": r.reason}) + "\n")
    click.echo(
        f"read {total.read}, inserted {total.inserted}, duplicates {total.duplicates}, "
        f"rejected {len(total.rejected)}"
        + (f" (reasons in {rejects_path})" if total.rejected else "")
        + (
            f"; {total.late_samples} late bandwidth samples booked as corrections"
            if total.late_samples
            else ""
        )
    )
    click.echo(
        f"rated {total.rating.records} records: {total.rating.details_created} new details, "
        f"{total.rating.details_updated} updated, {total.rating.corrections} corrections, "
        f"{total.rating.charges} charges totalling {total.rating.charged}"
        + (f", coupons paid {total.rating.coupon}" if total.rating.coupon else "")
    )


@consumption.command("verify")
def consumption_verify() -> None:
    """Recompute rollups and daily charges from the details and find every consumption posting
    of the ledger in them (docs/verify.md); exit 1 on any difference."""
    from app.services.consumption.verify import verify

    async def work(database: Any) -> list[str]:
        async with database.session() as session:
            return await verify(session)

    problems = _run(work)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(
        "consumption verified: rollups and charges match the details, and every consumption "
        "posting of the ledger has its consumption"
    )


def _platform_work(name: str, cycle: str) -> Any:
    from app.services.core.context import ServiceContext
    from app.services.core.errors import DomainError
    from app.services.core.principal import Principal

    async def work(database: Any) -> str:
        async with database.session(write=True) as session:
            ctx = ServiceContext(session, Principal.system(), "cli")
            try:
                if name == "close":
                    from app.services.consumption.cycles import close_bill_cycle

                    await close_bill_cycle(ctx, cycle)
                    message = f"cycle {cycle} closed (FINAL)"
                else:
                    from app.services.consumption.percentile import rate_bandwidth_percentile

                    count = await rate_bandwidth_percentile(ctx, cycle)
                    message = f"{count} percentile bills written for {cycle}"
            except DomainError as error:
                await session.rollback()
                raise click.ClickException(error.message) from error
            await session.commit()
            return message

    return work


@consumption.command("close-cycle")
@click.argument("cycle")
def consumption_close_cycle(cycle: str) -> None:
    """Close an ended bill cycle (YYYY-MM): its numbers become FINAL."""
    click.echo(_run(_platform_work("close", cycle)))


@consumption.command("rate-p95")
@click.argument("cycle")
def consumption_rate_p95(cycle: str) -> None:
    """Bill 95th-percentile bandwidth resources for an ended cycle (YYYY-MM)."""
    click.echo(_run(_platform_work("p95", cycle)))


@consumption.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Rows per batch.")
def consumption_purge(dry_run: bool, batch_size: int | None) -> None:
    """Purge consumption details past retention (rollups and FINAL bills stay)."""
    from app.services.consumption import retention
    from app.services.core.context import ServiceContext
    from app.services.core.principal import Principal

    async def work(database: Any) -> Any:
        async with database.session(write=not dry_run) as session:
            ctx = ServiceContext(session, Principal.system(), "cli:consumption-purge")
            if dry_run:
                return await retention.count_due(ctx)
            counts = await retention.purge(ctx, batch_size=batch_size, after_batch=session.commit)
            await session.commit()
            return counts

    counts = _run(work)
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {counts.describe()}" if counts.by_cycle else "nothing to purge")
