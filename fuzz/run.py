"""`make fuzz`: Schemathesis against the app's GraphQL schema; fails on any server error.

Runnable on a fresh clone: it creates its own SQLite database in a temporary directory
(migrate + the demo data + an ADMIN token of the first demo partner), runs the app in-process
through ASGI, sends generated documents for every query field and mutation with that token and
stops by itself. A server error is an HTTP 5xx *or* an `INTERNAL_SERVER_ERROR` code anywhere in
the answer's `errors` (a 200 answer carrying one counts). Exit status 1 when any was found, with
the document, variables and answer of each (the traceback is in the app's log, by request id).

Settings (environment): FUZZ_EXAMPLES (examples per root field, default 20), FUZZ_SECONDS
(overall budget; fields not reached in time are reported as skipped, default 120), FUZZ_SEED.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "120"))
SEED = int(os.environ.get("FUZZ_SEED", "12"))
FULL_WIDTH_100 = "\uff11\uff10\uff10"


def _environment() -> None:
    directory = Path(tempfile.mkdtemp(prefix="pc-fuzz-"))
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'fuzz.db'}"
    # the fuzzer sends thousands of documents with one token: the throttle would answer most
    # of them with 429 and hide what the server does with them
    os.environ["THROTTLE_MAXIMUM_AVAILABLE"] = str(10**9)
    os.environ["THROTTLE_RESTORE_RATE"] = str(10**9)
    os.environ.setdefault("LOG_LEVEL", "WARNING")


async def _token() -> str:
    from sqlalchemy import select

    from app.db import Database
    from app.demo.seed import seed
    from app.models import Partner, PartnerUser
    from app.models.partners.enums import PrincipalKind, Role
    from app.services.partners.tokens import create_token
    from app.settings import get_settings

    database = Database(get_settings())
    try:
        await seed(database)
        async with database.session(write=True) as session:
            partner = await session.scalar(select(Partner).order_by(Partner.id))
            assert partner is not None
            admin = await session.scalar(
                select(PartnerUser)
                .where(PartnerUser.partner_id == partner.id, PartnerUser.role == Role.ADMIN)
                .order_by(PartnerUser.id)
            )
            assert admin is not None
            token = await create_token(
                session,
                PrincipalKind.PARTNER_USER,
                partner_id=partner.id,
                partner_user_id=admin.id,
                label="fuzz",
            )
            await session.commit()
        return token
    finally:
        await database.dispose()


def _scalars() -> None:
    """Strategies for the app's custom scalars: well-formed values most of the time (so the
    call gets past the scalar), hostile shapes and free text the rest."""
    import schemathesis
    from hypothesis import strategies as st
    from schemathesis.graphql import nodes

    def strings(valid: st.SearchStrategy[str], hostile: list[str]) -> st.SearchStrategy[Any]:
        return st.one_of(valid, valid, st.sampled_from(hostile), st.text(max_size=20)).map(
            nodes.String
        )

    amounts = st.decimals(min_value=-(10**6), max_value=10**9, places=2, allow_nan=False)
    hostile_amounts = ["1e30", "1E+26", "9" * 40, FULL_WIDTH_100, "1_000", "1e-2", "1.005"]
    for money in ("Amount", "Decimal"):
        schemathesis.graphql.scalar(money, strings(amounts.map(str), hostile_amounts))
    moments = st.datetimes(allow_imaginary=False).map(lambda d: d.isoformat() + "Z")
    schemathesis.graphql.scalar(
        "DateTime", strings(moments, ["2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "now"])
    )
    schemathesis.graphql.scalar(
        "Date", strings(st.dates().map(str), ["2026-02-30", "0000-01-01", "20260615"])
    )
    schemathesis.graphql.scalar(
        "JSON", st.one_of(st.text(max_size=10).map(nodes.String), st.integers().map(nodes.Int))
    )


def server_errors(status: int, text: str) -> list[str]:
    """What makes an answer a server error: HTTP 5xx, or INTERNAL_SERVER_ERROR in its errors."""
    found = [f"HTTP {status}"] if status >= 500 else []
    try:
        body = json.loads(text)
    except ValueError:
        return found or ([] if status < 500 else found)
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        if code == "INTERNAL_SERVER_ERROR":
            found.append(f"INTERNAL_SERVER_ERROR: {error.get('message')}")
    return found


def main() -> int:
    _environment()
    from app.migrate import upgrade
    from app.settings import get_settings

    get_settings.cache_clear()
    upgrade(os.environ["DATABASE_URL"])
    token = asyncio.run(_token())

    import warnings

    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck, Phase

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from starlette.testclient import TestClient

    from app.main import create_app

    _scalars()
    app = create_app(get_settings())
    schema = schemathesis.graphql.from_asgi("/graphql", app)
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + SECONDS
    failures: list[dict[str, Any]] = []
    operations = sent = 0
    skipped: list[str] = []
    with TestClient(app) as client:  # runs the app's lifespan once
        for result in schema.get_all_operations():
            operation = result.ok()
            if time.monotonic() > deadline:
                skipped.append(operation.label)
                continue
            operations += 1
            strategy = operation.as_strategy()

            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=False,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.seed(SEED)
            @hypothesis.given(case=strategy)
            def fuzz(case: Any) -> None:
                nonlocal sent
                if time.monotonic() > deadline:
                    return
                body = case.body if isinstance(case.body, dict) else {"query": case.body}
                response = client.post("/graphql", json=body, headers=headers)
                sent += 1
                for problem in server_errors(response.status_code, response.text):
                    failures.append(
                        {
                            "operation": case.operation.label,
                            "problem": problem,
                            "request": body,
                            "status": response.status_code,
                            "request_id": response.headers.get("x-request-id"),
                            "answer": response.text[:2000],
                        }
                    )

            fuzz()
    print(
        f"fuzz: {operations} operations, {sent} documents sent "
        f"(up to {EXAMPLES} examples each, {SECONDS:.0f} s budget), "
        f"{len(failures)} server errors"
    )
    if skipped:
        print(f"fuzz: budget spent before {len(skipped)} operations: {', '.join(skipped)}")
    for failure in failures:
        print(json.dumps(failure, ensure_ascii=False, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
