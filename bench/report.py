"""The side-by-side benchmark's table and target checks: pure functions of the measurements.

Every figure is a range over the run's rounds (low and high joined by an en dash, one number
when they agree), and every ratio is taken within a round (the product's p50 over
PostGraphile's in the same round, never over another round's, since a shared machine's load
moves both), then given as a range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PRODUCT, PGL, FLOOR = "product", "PostGraphile", "SQL floor"
DASH, TIMES = "\u2013", "\u00d7"  # a range's dash and a ratio's sign, as the docs print them
SYSTEMS = (PRODUCT, PGL, FLOOR)
WHAT = {
    "A": "A console customer list",
    "B": f"B summary, cycle {TIMES} service",
    "C": "C details page after row 100,000",
    "D": "D smallest authenticated query",
}


@dataclass
class Sample:
    """One system's measurement of one query in one round."""

    round: int
    query: str
    system: str
    p50: float  # ms, of the sequential requests
    p99: float  # ms
    rps: float  # requests per second at the load's concurrency
    failed: int = 0  # load requests answered with an error
    app_cpu_ms: float | None = None  # the server's processes' CPU per request
    db_cpu_ms: float | None = None  # PostgreSQL backends' CPU per request
    split: list[float] = field(default_factory=list)  # workers' shares of requests, %
    connections: list[int] = field(default_factory=list)  # load connections per worker


@dataclass(frozen=True)
class Statements:
    """Statements per request counted on the wire (bench/wire.py), after warm-up."""

    total: float
    control: float  # of which BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE


def span(values: Iterable[float | None], digits: int = 1) -> str:
    """The values' low and high joined by an en dash (one number when they agree at `digits`);
    `n/a` if there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return "n/a"
    low, high = f"{min(present):.{digits}f}", f"{max(present):.{digits}f}"
    return low if low == high else f"{low}{DASH}{high}"


def _digits(value: float) -> int:
    return 2 if value < 10 else 1 if value < 100 else 0


def ratios(samples: list[Sample], query: str, measure: Callable[[Sample], float]) -> list[float]:
    """The product's `measure` over PostGraphile's, per round (rounds that have both)."""
    by_round: dict[int, dict[str, Sample]] = {}
    for s in samples:
        if s.query == query:
            by_round.setdefault(s.round, {})[s.system] = s
    found = []
    for systems in by_round.values():
        if PRODUCT in systems and PGL in systems and measure(systems[PGL]):
            found.append(measure(systems[PRODUCT]) / measure(systems[PGL]))
    return found


def _split(rows: list[Sample]) -> str:
    """Each round's split (`55/45 % (4/4)`: shares of requests, connections held), the same
    one given once."""
    parts: list[str] = []
    for s in rows:
        if not s.split:
            continue
        shares = "/".join(f"{share:.0f}" for share in s.split)
        held = "/".join(str(n) for n in s.connections) if s.connections else "?"
        if f"{shares} % ({held})" not in parts:
            parts.append(f"{shares} % ({held})")
    return "; ".join(parts) if parts else "—"


def format_table(
    samples: list[Sample],
    statements: dict[tuple[str, str], Statements],
    queries: Iterable[str],
    concurrency: int = 8,
) -> str:
    """The one table: a row per query and system."""
    header = (
        f"| query | system | p50 ms | p99 ms | req/s c={concurrency} | statements / request "
        "(BEGIN/COMMIT…) | app CPU ms / request | DB CPU ms / request | per-worker split: "
        "requests % (connections) | p50 / PostGraphile | req/s / PostGraphile |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    for query in queries:
        for system in SYSTEMS:
            rows = [s for s in samples if s.query == query and s.system == system]
            if not rows:
                continue
            digits = _digits(min(s.p50 for s in rows))
            counted = statements.get((query, system))
            stated = "n/a" if counted is None else f"{counted.total:g} ({counted.control:g})"
            if system == PRODUCT:
                p50_ratio = f"**{span(ratios(samples, query, lambda s: s.p50), 2)}{TIMES}**"
                rps_ratio = f"**{span(ratios(samples, query, lambda s: s.rps), 2)}{TIMES}**"
            else:
                p50_ratio = rps_ratio = "—"
            failed = sum(s.failed for s in rows)
            rps = span((s.rps for s in rows), 0) + (f" ({failed} failed)" if failed else "")
            lines.append(
                f"| {WHAT.get(query, query) if system == PRODUCT else ''} | {system} "
                f"| {span((s.p50 for s in rows), digits)} | {span((s.p99 for s in rows), digits)} "
                f"| {rps} | {stated} | {span(s.app_cpu_ms for s in rows)} "
                f"| {span(s.db_cpu_ms for s in rows)} "
                f"| {_split(rows) if system != FLOOR else '—'} | {p50_ratio} | {rps_ratio} |"
            )
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def targets(
    samples: list[Sample],
    statements: dict[tuple[str, str], Statements],
    *,
    a_cost: int | None = None,
    cost_limit: int | None = None,
) -> list[str]:
    """Issue 17's targets, each with ✓ or ✗ and the figures it was judged on."""
    found = []
    for query in ("A", "B", "C", "D"):
        p50 = ratios(samples, query, lambda s: s.p50)
        rps = ratios(samples, query, lambda s: s.rps)
        if not p50:
            continue
        line = f"{query}: p50 ≤ PostGraphile's {_mark(max(p50) <= 1)} ({span(p50, 2)}{TIMES})"
        if query != "D":
            line += (
                f"; req/s ≥ 1.1{TIMES} PostGraphile's {_mark(min(rps) >= 1.1)} "
                f"({span(rps, 2)}{TIMES})"
            )
        found.append(line)
    for query in ("A", "B", "C", "D"):
        own = [s for s in samples if s.query == query and s.system == PRODUCT]
        if own:
            worst = max(s.p99 / s.p50 for s in own)
            found.append(
                f"{query}: p99 ≤ 2{TIMES} the product's p50 {_mark(worst <= 2)} "
                f"(at worst {worst:.2f}{TIMES})"
            )
    counted = statements.get(("A", PRODUCT))
    if counted is not None:
        found.append(
            f"A in ≤ 3 statements {_mark(counted.total <= 3)} ({counted.total:g} per request)"
        )
    controls = {q: c.control for (q, system), c in statements.items() if system == PRODUCT}
    if controls:
        listed = ", ".join(f"{q} {n:g}" for q, n in sorted(controls.items()))
        ok = all(n == 0 for n in controls.values())
        found.append(f"no BEGIN/COMMIT for read-only requests {_mark(ok)} ({listed})")
    shares = [min(s.split) for s in samples if s.system == PRODUCT and len(s.split) > 1]
    if shares:
        found.append(
            f"each worker serves ≥ 40 % at c=8 {_mark(min(shares) >= 40)} "
            f"(smallest share {min(shares):.0f} %)"
        )
    if a_cost is not None and cost_limit:
        found.append(
            f"the default cost limit admits A with headroom {_mark(a_cost <= 0.75 * cost_limit)} "
            f"(costs {a_cost} of {cost_limit})"
        )
    return found
