"""Create the benchmark's PostgreSQL database if it is missing (`make bench` runs this first).

    .venv/bin/python -m bench.database postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench

Connects to the server's `postgres` database with the same credentials; an existing database
is left as it is (`bench/generate.py` then finds its data and keeps it).
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg


def _names(url: str) -> tuple[str, str]:
    """(the maintenance database's URL for asyncpg, the benchmark database's name)."""
    parts = urlsplit(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    if parts.scheme != "postgresql" or not name:
        raise SystemExit(f"not a PostgreSQL database URL: {url}")
    return urlunsplit(parts._replace(path="/postgres", query="")), name


async def ensure(url: str) -> bool:
    """Create the database `url` names unless it exists; whether it was created."""
    admin_url, name = _names(url)
    admin = await asyncpg.connect(admin_url)
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        quoted = name.replace('"', '""')
        await admin.execute(f'CREATE DATABASE "{quoted}"')
        return True
    finally:
        await admin.close()


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    created = asyncio.run(ensure(sys.argv[1]))
    print(f"{'created' if created else 'using the existing'} database {_names(sys.argv[1])[1]}")


if __name__ == "__main__":
    main()
