"""How long the event loop is held while unseen documents are validated (issue 12, class 1).

Builds large *valid* documents (fragments on Customer that repeat fields, which graphql-core's
OverlappingFieldsCanBeMerged compares pairwise: the slowest valid shape within the limits),
each unique so no cache helps, and inspects them the way the endpoint does, while a ticker
task on the same loop records how late each of its 1 ms sleeps wakes up:

- `inline`: parse and validate on the loop (what the endpoint did before);
- `thread`: `DocumentInspector.inspect` (a worker thread; what it does now).

Prints the median validation time per document and the ticker's lag (median, p99, max).

    .venv/bin/python -m bench.validation --documents 40
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time

from app.http.documents import DocumentInspector
from app.schema import schema
from app.settings import get_settings

FIELDS = ["id", "name", "accountName", "labels", "remark", "associatedAt", "associationType"]


def document(fragments: int, salt: int) -> str:
    rng = random.Random(salt)
    parts = []
    for i in range(fragments):
        picked = " ".join(rng.sample(FIELDS, 5))
        parts.append(
            f"fragment F{i} on Customer {{ {picked} "
            f"resources(first: 3) {{ nodes {{ id name status }} }} }}"
        )
    spreads = " ".join(f"...F{i}" for i in range(fragments))
    return f"query Q{salt} {{ customers(first: 5) {{ nodes {{ {spreads} }} }} }}\n" + "\n".join(
        parts
    )


async def run(mode: str, docs: list[str], inspector: DocumentInspector) -> dict[str, float]:
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append((time.perf_counter() - before - 0.001) * 1000)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    durations = []
    for query in docs:
        started = time.perf_counter()
        if mode == "inline":
            inspection = inspector.inspect_uncached(query)
        else:
            inspection = await inspector.inspect(query)
        durations.append((time.perf_counter() - started) * 1000)
        assert not inspection.errors, inspection.errors
        await asyncio.sleep(0.002)
    stop.set()
    await task
    lags.sort()
    return {
        "validate_ms_median": statistics.median(durations),
        "lag_ms_median": statistics.median(lags),
        "lag_ms_p99": lags[int(len(lags) * 0.99) - 1],
        "lag_ms_max": lags[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--fragments", type=int, default=19)
    parser.add_argument("--default-switch-interval", action="store_true", help="keep Python's 5 ms")
    args = parser.parse_args()
    settings = get_settings()
    gc.collect()
    gc.freeze()  # what a serving process does at start (app/main.py)
    if not args.default_switch_interval:
        sys.setswitchinterval(settings.switch_interval_ms / 1000)
    inspector = DocumentInspector(
        schema._schema,
        settings.document_cache_bytes,
        schema.validation_limits,
        max_tokens=settings.max_tokens,
        max_document_bytes=settings.max_document_bytes,
    )
    pauses: list[float] = []

    def collector(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                collector.started = time.perf_counter()  # type: ignore[attr-defined]
            else:
                pauses.append((time.perf_counter() - collector.started) * 1000)  # type: ignore[attr-defined]

    gc.callbacks.append(collector)
    for mode in ("inline", "thread", "inline", "thread"):
        salt = random.randrange(1 << 30)
        docs = [document(args.fragments, salt + i) for i in range(args.documents)]
        figures = asyncio.run(run(mode, docs, inspector))
        print(mode, " ".join(f"{k}={v:.1f}" for k, v in figures.items()))
    print(
        f"full collections: {len(pauses)}, longest {max(pauses, default=0):.1f} ms; "
        f"cache holds {len(inspector._cache)} documents, {inspector._cache.currsize} bytes"
    )


if __name__ == "__main__":
    main()
