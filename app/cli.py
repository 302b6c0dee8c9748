"""The console entry point: `partner-console` / `python -m app`.

Flat core commands (serve, migrate, seed-demo, create-token, export-schema) and one group per
domain for its batch work (`jobs run-due`, ...).
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
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, reload: bool) -> None:
    """Serve the API (GraphiQL at /graphql)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
    )


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
    from app.demo import seed

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
def create_token(
    partner_id: int | None,
    role: str | None,
    user_id: int | None,
    customer_id: int | None,
    platform: bool,
    label: str,
) -> None:
    """Create an API token and print it (it is shown only once)."""
    from app.services.token_admin import TokenRequest, issue_token

    request = TokenRequest(partner_id, role, user_id, customer_id, platform, label)
    try:
        token = _run(lambda db: issue_token(db, request))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(token)


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
    from app.services.jobs import run_due as run

    outcomes = _run(lambda db: run(db, force=force))
    for outcome in outcomes:
        click.echo(f"{outcome.name}: {outcome.result}")


@main.group()
def funds() -> None:
    """Money: check the books."""


@funds.command("verify")
def funds_verify() -> None:
    """Recompute every balance from the ledger; exit 1 if anything disagrees."""
    from app.services.funds_verify import verify

    async def work(database: Any) -> list[str]:
        async with database.session() as session:
            return await verify(session)

    problems = _run(work)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("ledger verified: every balance matches its entries")


@jobs.command("list")
def list_jobs() -> None:
    """List registered jobs and their intervals."""
    from app.services.jobs import load_registry

    for name, job in sorted(load_registry().items()):
        click.echo(f"{name}\tevery {job.every}")
