"""The requests of the side-by-side benchmark: `bench/queries/` with their variables.

`Data` is what the variables come from, read from the benchmark database once per run;
`product_body`, `pgl_body` and `floor` give, per query (A-D), the JSON body each server gets
and the SQL floor's statement and arguments.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUERIES = ("A", "B", "C", "D")
FOLDER = Path(__file__).with_name("queries")
PAGE_AFTER_ROW = 100_000  # C: the page after this row


def _text(name: str) -> str:
    """A query file without its comment lines, whitespace collapsed."""
    lines = (Path(FOLDER / name).read_text(encoding="utf-8")).splitlines()
    kept = [line for line in lines if not line.lstrip().startswith(("#", "--"))]
    return " ".join(" ".join(kept).split())


@dataclass(frozen=True)
class Data:
    """What the variables are made of."""

    partner_id: int
    cycles: list[str]  # the data's cycles, oldest first
    cycle: str  # A's cycle: the clock's current one (the product's default)
    after_row: int  # C: the page starts after this row (1-based, in id order) ...
    after_id: int  # ... the detail with this id
    product_cursor: str  # C: the product's cursor for that row
    pgl_cursor: str | None  # C: PostGraphile's cursor for that row (asked from it)
    token: str  # the VIEWER token the product's requests carry

    @property
    def token_hash(self) -> str:
        return hashlib.sha256(self.token.encode()).hexdigest()


def product_body(query: str, data: Data) -> str:
    variables: dict[str, Any] = {}
    window = {"cycleFrom": data.cycles[0], "cycleTo": data.cycles[-1]}
    if query == "B":
        variables = {"filter": window}
    elif query == "C":
        variables = {"filter": window, "after": data.product_cursor}
    return json.dumps({"query": _text(f"product_{query}.graphql"), "variables": variables})


def pgl_body(query: str, data: Data) -> str:
    variables: dict[str, Any] = {"partnerId": str(data.partner_id)}
    if query == "A":
        variables["cycle"] = data.cycle
    elif query == "C":
        variables["after"] = data.pgl_cursor
    return json.dumps({"query": _text(f"pgl_{query}.graphql"), "variables": variables})


def floor(query: str, data: Data) -> tuple[str, list[Any]]:
    """The SQL floor's statement and its arguments."""
    args: dict[str, list[Any]] = {
        "A": [data.partner_id, data.cycle],
        "B": [data.partner_id, data.cycles],
        "C": [data.partner_id, data.cycles, data.after_id],
        "D": [data.token_hash],
    }
    return _text(f"sql_{query}.sql"), args[query]


PGL_CURSOR = (
    "query ($partnerId: BigInt!, $offset: Int!) { consumptionDetails(condition: "
    "{partnerId: $partnerId}, orderBy: ID_ASC, first: 1, offset: $offset) "
    "{ edges { cursor node { id } } } }"
)


def pgl_cursor_body(partner_id: int, row: int) -> str:
    """Asks PostGraphile for the cursor of the `row`-th detail (1-based) in C's order."""
    return json.dumps(
        {"query": PGL_CURSOR, "variables": {"partnerId": str(partner_id), "offset": row - 1}}
    )
