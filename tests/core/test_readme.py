"""README.md runs as written: every example, on fresh demo data, as a new user would run it.

Once per module and day the demo is seeded (`seed-demo`'s own code, tokens parsed from what it
prints) into a database of its own: a temporary SQLite file, and also a temporary PostgreSQL
database when TEST_DATABASE_URL is set. Then, in README order, every ```graphql block runs
(each operation of it) as the principal its `# as:` line names, its variables filled from the
example it follows (`# after:`) — the conventions are in tests/core/readme_blocks.py and in
README's "Trying it" section. A block fails on an HTTP error, a top-level error or a
userError it does not `# expect:`, a null root field, or a list that is empty wherever it
occurs (unless `# expect: empty`). The demo is seeded on two days — now, and the first of a
month just after midnight on the business calendar, when the current bill cycle has no usage
yet — so an example that only works on some days fails here.

The shell examples (curl against the in-process server, console commands) and every number
the README states about the demo are checked too (test_readme_shell.py, test_readme_claims.py).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import monotonic
from typing import Any

import click
import httpx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from graphql import NonNullTypeNode, print_ast
from graphql.language import DocumentNode, FragmentDefinitionNode, parse

from app import clock
from app.cli import main as cli_main
from app.db import Database
from app.demo.seed import seed
from app.globalid import to_global_id
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings, get_settings
from tests.conftest import NOW
from tests.core.readme_blocks import (
    DEMO_PARTNER,
    ROOT,
    Block,
    by_name,
    demo_numbers,
    empty_lists,
    error_codes,
    find_after,
    graphql_blocks,
    lookup,
    placeholder,
    prose,
    read_blocks,
    resolve,
)
from tests.core.readme_shell import (
    ConsoleCall,
    check_known,
    command_table,
    console_calls,
    redirect_targets,
    shell_script,
)

TOKEN_LINE = re.compile(
    r"^\s{2}(?P<who>.+?)\s+(?P<role>ADMIN|FINANCE|SALES|VIEWER|CUSTOMER|PLATFORM)\s+.*?(?P<token>pc_\S+)$"
)


def _first_of_next_month() -> datetime:
    """00:30 on the 1st of next month, business calendar: the current cycle has no usage."""
    local = datetime.now(UTC).astimezone(clock.business_tz())
    first = (local.replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime.combine(first.date(), time(0, 30), clock.business_tz()).astimezone(UTC)


DAYS = {
    "today": datetime.now(UTC).replace(second=0, microsecond=0),
    "first-of-month": _first_of_next_month(),
}


@dataclass(repr=False)
class Demo:
    """Freshly seeded demo data, the tokens seed-demo printed, and the answers so far."""

    url: str
    database: Database
    settings: Settings
    day: datetime
    seed_output: list[str]
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    answers: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # block line ->
    failed: set[int] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"<demo on {self.url} at {self.day.isoformat()}>"

    @property
    def local_day(self) -> datetime:
        return self.day.astimezone(clock.business_tz())

    def token(self, role: str, partner: str) -> str:
        key = (partner if role not in ("CUSTOMER", "PLATFORM") else "", role)
        assert key in self.tokens, f"seed-demo printed no {role} token of {partner}"
        return self.tokens[key]


def parse_tokens(lines: list[str]) -> dict[tuple[str, str], str]:
    """(partner, role) -> the first token seed-demo printed for it ("" for CUSTOMER/PLATFORM)."""
    tokens: dict[tuple[str, str], str] = {}
    for line in lines:
        match = TOKEN_LINE.match(line)
        if match:
            who = "" if match["role"] in ("CUSTOMER", "PLATFORM") else match["who"].strip()
            tokens.setdefault((who, match["role"]), match["token"])
    return tokens


async def _postgres_database(base_url: str) -> tuple[str, Any]:
    """A new, empty PostgreSQL database next to TEST_DATABASE_URL's, and how to drop it."""
    import asyncpg

    plain = base_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"{plain.rsplit('/', 1)[1].split('?')[0]}_readme_{uuid.uuid4().hex[:8]}"
    server = plain.rsplit("/", 1)[0] + "/postgres"
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(server)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    return base_url.rsplit("/", 1)[0] + f"/{name}", drop


# Both days on SQLite; today on PostgreSQL too (what depends on the day does not depend on
# the database, and each seeding costs seconds).
RUNS = [("sqlite", day) for day in DAYS] + (
    [("postgresql", "today")] if os.environ.get("TEST_DATABASE_URL") else []
)


@pytest.fixture(scope="module", params=RUNS, ids=lambda p: "-".join(p))
async def demo(request: pytest.FixtureRequest) -> AsyncIterator[Demo]:
    backend, day_name = request.param
    day = DAYS[day_name]
    drop = None
    if backend == "postgresql":
        url, drop = await _postgres_database(os.environ["TEST_DATABASE_URL"])
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='pc-readme-')) / 'demo.db'}"
    await asyncio.to_thread(upgrade, url)
    settings = Settings(database_url=url, database_read_url=None)
    database = Database(settings)
    previous = clock.use_clock(clock.FrozenClock(day))
    try:
        lines = await seed(database)
    finally:
        clock.use_clock(previous)
    result = Demo(url, database, settings, day, lines, parse_tokens(lines))
    try:
        yield result
    finally:
        await database.dispose()
        if drop is not None:
            await drop()


@pytest.fixture(autouse=True)
def frozen_clock(request: pytest.FixtureRequest) -> Iterator[clock.FrozenClock]:
    """The README runs on the day the demo was seeded (overrides the suite's fixed day)."""
    day = request.getfixturevalue("demo").day if "demo" in request.fixturenames else NOW
    frozen = clock.FrozenClock(day)
    previous = clock.use_clock(frozen)
    yield frozen
    clock.use_clock(previous)


@pytest.fixture
async def api(demo: Demo) -> AsyncIterator[httpx.AsyncClient]:
    """The API in process on the demo database (a fresh app: its own throttle buckets)."""
    app = create_app(demo.settings, database=demo.database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        yield c


# ---- what README says about the demo (checked first, on the demo as seeded) -------------


async def _ask(api: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await api.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    answer = response.json()
    assert response.status_code == 200 and not answer.get("errors"), answer
    return answer["data"]


async def _customer_counts(demo: Demo, api: httpx.AsyncClient, match: re.Match[str]) -> None:
    for partner, claimed in ((DEMO_PARTNER, match[1]), ("Northwind Cloud Services", match[2])):
        data = await _ask(api, demo.token("ADMIN", partner), "{ customers { totalCount } }")
        assert data["customers"]["totalCount"] == int(claimed), f"{partner} customers"


async def _user_five(demo: Demo, api: httpx.AsyncClient, match: re.Match[str]) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on PartnerUser { name } } }"
    data = await _ask(
        api, demo.token("ADMIN", DEMO_PARTNER), query, id=to_global_id("PartnerUser", int(match[1]))
    )
    assert (data["node"] or {}).get("name") == match[2]


EXAMPLES_PAGE = ROOT / "docs" / "readme-examples.md"

# README's sentence (a regex over its prose) -> the check that it is true of the demo
CLAIMS = {
    r"The demo has two partners \(Cloudbridge Solutions, (\d+) customers; "
    r"Northwind Cloud Services, (\d+)\)": _customer_counts,
    r"user (\d+) is the demo's \*(BI Viewer)\*": _user_five,
}


def test_every_number_about_the_demo_is_checked() -> None:
    """A number README (or its page on the examples) states about the demo must be part of a
    sentence CLAIMS checks."""
    text = prose() + "\n" + prose(EXAMPLES_PAGE)
    spans = [m.span() for pattern in CLAIMS for m in re.finditer(pattern, text)]
    for pattern in CLAIMS:
        assert re.search(pattern, text), f"README no longer says {pattern!r}: update CLAIMS"
    for clause, start, end in demo_numbers(text):
        offset = text.index(clause)
        inside = any(a <= offset + start and offset + end <= b for a, b in spans)
        assert inside, (
            f"README states {clause[start:end]!r} about the demo, unchecked: add the sentence "
            f"to CLAIMS in tests/core/test_readme.py ({clause!r})"
        )


async def test_readme_numbers_about_the_demo_hold(demo: Demo, api: httpx.AsyncClient) -> None:
    text = prose()
    for pattern, check in CLAIMS.items():
        match = re.search(pattern, text)
        assert match, pattern
        await check(demo, api, match)


async def test_readme_words_about_the_demo_hold(demo: Demo, api: httpx.AsyncClient) -> None:
    """What the README says the demo tokens and data are."""
    # a token for every demo principal; the SALES token is Sales Li's
    for partner in (DEMO_PARTNER, "Northwind Cloud Services"):
        for role in ("ADMIN", "FINANCE", "SALES", "VIEWER"):
            demo.token(role, partner)
    demo.token("CUSTOMER", "")
    demo.token("PLATFORM", "")
    text = prose()
    assert "the SALES token (*Sales Li*)" in text
    sales = await _ask(api, demo.token("SALES", DEMO_PARTNER), "{ viewer { user { name } } }")
    assert sales["viewer"]["user"]["name"] == "Sales Li"
    # the CUSTOMER token: a REFERRAL customer that owes nothing
    assert "the demo CUSTOMER token, a REFERRAL customer that owes nothing" in text
    mine = await _ask(
        api,
        demo.token("CUSTOMER", ""),
        "{ customers { nodes { associationType account { arrears { amount } } } } }",
    )
    [customer] = mine["customers"]["nodes"]
    assert customer["associationType"] == "REFERRAL"
    assert Decimal(customer["account"]["arrears"]["amount"]) == 0
    # cb_acct_0000 is customer 1 and has a pending type switch to answer
    assert "The demo's first customer, `cb_acct_0000`, has a pending type switch" in text
    assert "create-token --customer-id 1`" in text
    first = to_global_id("Customer", 1)
    data = await _ask(
        api,
        demo.token("ADMIN", DEMO_PARTNER),
        """query($id: ID!) { customer(id: $id) { accountName }
           associationChangeRequests(filter: {customerId: $id, kind: TYPE_SWITCH,
             statuses: [PENDING]}) { nodes { id } } }""",
        id=first,
    )
    assert data["customer"]["accountName"] == "cb_acct_0000"
    assert data["associationChangeRequests"]["nodes"]
    # orders in every state a console shows, and an unsubscribe with its refund
    sentence = re.search(r"orders of its own in every state a console shows \(([^)]*)\)", text)
    assert sentence
    claimed = set(re.findall(r"`([A-Z_]+)`", sentence[1]))
    orders = await _ask(
        api,
        demo.token("FINANCE", DEMO_PARTNER),
        """{ orders(first: 100) { nodes { status } }
           unsubscribes: orders(filter: {kinds: [UNSUBSCRIBE]}) { nodes { refunds { rule } } } }""",
    )
    assert {o["status"] for o in orders["orders"]["nodes"]} == claimed
    assert any(o["refunds"] for o in orders["unsubscribes"]["nodes"])


async def test_readme_demo_usage_is_where_it_says(demo: Demo, api: httpx.AsyncClient) -> None:
    """Usage from the first day of the third cycle back up to yesterday, the oldest cycle
    closed, a 95th-percentile bill for last month."""
    assert (
        "from the first day of the third cycle before this one up to yesterday, the oldest of "
        "those cycles closed, and a 95th-percentile bandwidth bill for last month" in prose()
    )
    day = demo.local_day
    oldest, last = placeholder("<3 months ago>", day), placeholder("<last month>", day)
    data = await _ask(
        api,
        demo.token("FINANCE", DEMO_PARTNER),
        """query($from: String!, $to: String!, $last: String!) {
          cycles: consumptionSummary(groupBy: [CYCLE], filter: {cycleFrom: $from, cycleTo: $to}) {
            cycles { cycle status } }
          first: consumptionDetails(first: 1, filter: {cycleFrom: $from, cycleTo: $to,
            kinds: [USAGE]}, orderBy: {field: DAY, direction: ASC}) { nodes { day } }
          last: consumptionDetails(first: 1, filter: {cycleFrom: $from, cycleTo: $to,
            kinds: [USAGE]}, orderBy: {field: DAY, direction: DESC}) { nodes { day } }
          p95: consumptionDetails(filter: {cycleFrom: $last, kinds: [PERCENTILE]}) {
            nodes { id } }
        }""",
        **{"from": oldest, "to": placeholder("<this month>", day), "last": last},
    )
    yesterday = (day - timedelta(days=1)).date().isoformat()
    assert data["first"]["nodes"][0]["day"] == f"{oldest}-01"
    assert data["last"]["nodes"][0]["day"] == yesterday
    statuses = {c["cycle"]: c["status"] for c in data["cycles"]["cycles"]}
    assert statuses[oldest] == "FINAL"
    assert data["p95"]["nodes"]


# ---- the examples, in README order ------------------------------------------------------

BLOCKS = graphql_blocks()


def _documents(block: Block) -> list[tuple[str, str | None, Any]]:
    """(document, operationName, operation) for each operation of the block."""
    operations = block.operations
    if len(operations) == 1:
        return [(block.text, None, operations[0])]
    if all(op.name for op in operations):
        return [(block.text, op.name.value, op) for op in operations]  # type: ignore[union-attr]
    fragments = [d for d in parse(block.text).definitions if isinstance(d, FragmentDefinitionNode)]
    return [(print_ast(DocumentNode(definitions=[op, *fragments])), None, op) for op in operations]


def _sources(demo: Demo, block: Block, own: list[dict[str, Any]]) -> list[Any]:
    """Where a variable's value may come from: the block's earlier answers (latest first),
    then the example it follows and the one that follows in turn, nearest first."""
    sources: list[Any] = [answer.get("data") for answer in reversed(own)]
    after = find_after(BLOCKS, block)
    while after is not None:
        assert after.line not in demo.failed, f"the example it follows ({after.title}) failed"
        assert after.line in demo.answers, f"the example it follows ({after.title}) did not run"
        sources.extend(answer.get("data") for answer in reversed(demo.answers[after.line]))
        after = find_after(BLOCKS, after)
    return sources


def _variables(demo: Demo, block: Block, operation: Any, sources: list[Any]) -> dict[str, Any]:
    given = block.variables
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or []:
        name = definition.variable.name.value
        try:
            if name in given:
                values[name] = resolve(given[name], sources, demo.local_day)
            else:
                values[name] = by_name(name, sources)
        except LookupError:
            if isinstance(definition.type, NonNullTypeNode) and definition.default_value is None:
                raise AssertionError(
                    f"README line {block.line}: no value for ${name} — name the example it "
                    f"follows (`# after:`) or give it (`# variables:`)"
                ) from None
    return values


def _check(block: Block, answer: dict[str, Any], status: int) -> None:
    where = f"README line {block.line} ({block.title})"
    expected = block.expect
    codes = error_codes(answer)
    if expected is not None:
        unexpected = [code for code in codes if code != expected]
        assert not unexpected, f"{where}: expected only {expected}, got {codes}: {answer}"
        return
    assert status == 200, f"{where}: HTTP {status}: {answer}"
    assert not codes, f"{where}: unexpected errors {codes}: {answer}"
    allowed = block.may_be_empty or set()
    if "*" not in allowed:
        empty = empty_lists(answer.get("data"), allowed)
        assert not empty, f"{where}: empty in the answer: {empty} (`# expect: empty` if meant)"


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
async def test_readme_example(demo: Demo, api: httpx.AsyncClient, block: Block) -> None:
    demo.failed.add(block.line)  # until it passes
    role, partner, reference = block.principal
    own: list[dict[str, Any]] = []
    token = demo.token(role, partner)
    seen_codes: list[str] = []
    for document, operation_name, operation in _documents(block):
        sources = _sources(demo, block, own)
        if reference is not None:
            token = str(lookup(reference, sources))
        body: dict[str, Any] = {
            "query": document,
            "variables": _variables(demo, block, operation, sources),
        }
        if operation_name:
            body["operationName"] = operation_name
        response = await api.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        answer = response.json()
        _check(block, answer, response.status_code)
        seen_codes += error_codes(answer)
        own.append(answer)
    if block.expect is not None:
        assert block.expect in seen_codes, (
            f"README line {block.line}: expected {block.expect}, the answers were {own}"
        )
    demo.answers[block.line] = own
    demo.failed.discard(block.line)


def test_every_example_says_who_runs_it() -> None:
    """The comment lines parse, and each `# after:` names an earlier example."""
    assert BLOCKS, "README.md has no ```graphql examples"
    for block in BLOCKS:
        block.principal  # noqa: B018 - raises with the line when it is missing or malformed
        block.variables  # noqa: B018
        find_after(BLOCKS, block)
        assert block.operations, f"README line {block.line}: no operation"


# ---- the shell side ---------------------------------------------------------------------

CALLS = console_calls()


@pytest.mark.parametrize("call", CALLS, ids=[c.text for c in CALLS])
async def test_readme_console_command(demo: Demo, call: ConsoleCall) -> None:
    """Every printed console command exists with its options; the safe ones run as printed."""
    check_known(call)
    if not call.runnable:
        return
    settings = get_settings()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "database_url", demo.url)
        result = await asyncio.to_thread(
            CliRunner().invoke, cli_main, list(call.args), catch_exceptions=False
        )
    assert result.exit_code == 0, f"{call.text}: {result.output}"
    assert result.output.strip(), f"{call.text} printed nothing"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def served(demo: Demo) -> AsyncIterator[int]:
    """`partner-console serve` (the venv's, as README prints it) on the demo database."""
    if demo.day != DAYS["today"]:
        pytest.skip("shell examples use the machine's date: run on today's demo only")
    port = _free_port()
    console = Path(sys.executable).parent / "partner-console"
    env = {**os.environ, "DATABASE_URL": demo.url, "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        str(console),
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # A start takes ~2 s, and over 10 s on a loaded shared machine: wait up to a minute.
        deadline = monotonic() + 60
        async with httpx.AsyncClient() as client:
            while True:
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    if process.returncode is not None or monotonic() > deadline:
                        raise AssertionError("partner-console serve did not start") from None
                    await asyncio.sleep(0.05)
        yield port
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)


SHELL_BLOCKS = [
    b for b in read_blocks() if b.lang == "sh" and re.search(r"^\s*curl ", b.text, re.M)
]


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=[b.id for b in SHELL_BLOCKS])
async def test_readme_shell_example(demo: Demo, served: int, block: Block, tmp_path: Path) -> None:
    """A curl example runs in bash as written; every file and answer it fetches has rows."""
    role, partner, _ = block.principal
    script = shell_script(block.text, served, has_duckdb=shutil.which("duckdb") is not None)
    log = tmp_path / "curl"  # each curl's answer, also kept as curl.1, curl.2, ...
    env = {
        **os.environ,
        "TOKEN": demo.token(role, partner),
        "README_PYTHON": sys.executable,
        "README_CURL_LOG": str(log),
    }
    result = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    where = f"README line {block.line} ({block.title})"
    assert result.returncode == 0, f"{where}: {result.stderr}\n{result.stdout}"
    _check_downloads(block, tmp_path, where)


def _check_downloads(block: Block, tmp_path: Path, where: str) -> None:
    """Every file the block writes and every answer curl got holds rows."""
    for name in redirect_targets(block.text):
        written = tmp_path / name
        assert written.exists() and written.stat().st_size, f"{where}: {name} is empty"
        if name.endswith(".parquet"):
            assert pq.read_metadata(written).num_rows > 0, f"{where}: {name} holds no rows"
        else:
            assert len(written.read_text().splitlines()) > 1, f"{where}: {name} holds no rows"
    answers = sorted(tmp_path.glob("curl.*"), key=lambda p: int(p.suffix[1:]))
    assert answers, f"{where}: no curl ran"
    for n, answer in enumerate(answers, 1):
        body = answer.read_bytes()
        rows = body.count(b"\n") - (1 if body.startswith(b"id,") else 0)
        assert body.startswith(b"PAR1") or rows > 0, f"{where}: curl #{n} answered no rows"


def test_readme_command_table_matches_the_console() -> None:
    """Each row of README's *Command line* table is a console command with those options."""
    rows = command_table()
    assert len(rows) >= 10
    for row in rows:
        check_known(row)
    named = {" ".join(a for a in row.args if not a.startswith("-")) for row in rows}
    commands = {
        f"{name} {sub}" if isinstance(cmd, click.Group) else name
        for name, cmd in cli_main.commands.items()
        for sub in (cmd.commands if isinstance(cmd, click.Group) else [""])
    }
    assert commands <= named, f"commands missing from the table: {sorted(commands - named)}"


def test_readme_names_only_make_targets_that_exist() -> None:
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    named = set(re.findall(r"`make ([\w-]+)", (ROOT / "README.md").read_text()))
    assert named and named <= targets, f"README names missing make targets: {named - targets}"


async def test_running_the_examples_twice(demo: Demo, api: httpx.AsyncClient) -> None:
    """What docs/readme-examples.md says of a second run: a keyed mutation replays its first
    answer, the registration is refused as a conflict."""
    text = prose(EXAMPLES_PAGE)
    assert "a mutation with an `idempotencyKey` replays its first answer" in text
    assert "(`REGISTRATION_CONFLICT` for the company registered already" in text
    ran = {block.title.split(" (")[0]: block for block in BLOCKS if block.line in demo.answers}
    if "1. Register" not in ran or "3. Pay" not in ran:
        pytest.skip("the examples did not run in this session (-k)")
    register, pay = ran["1. Register"], ran["3. Pay"]
    again = await api.post(
        "/graphql",
        json={"query": register.text},
        headers={"Authorization": f"Bearer {demo.token('SALES', DEMO_PARTNER)}"},
    )
    assert error_codes(again.json()) == ["REGISTRATION_CONFLICT"], again.json()
    [first] = demo.answers[pay.line]
    order_id = first["data"]["payOrders"]["items"][0]["order"]["id"]
    replay = await api.post(
        "/graphql",
        json={"query": pay.text, "variables": {"orderId": order_id}},
        headers={"Authorization": f"Bearer {demo.token('FINANCE', DEMO_PARTNER)}"},
    )
    assert replay.json()["data"] == first["data"]
