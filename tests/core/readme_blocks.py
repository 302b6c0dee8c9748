"""README.md's examples as data: the ```graphql blocks with their comment lines, the shell
blocks and the console commands it prints (test_readme.py runs them on fresh demo data).

The comment lines at the top of a ```graphql block (a reader understands them too):

    # as: ADMIN                     who runs it: ADMIN, FINANCE, SALES, VIEWER, CUSTOMER,
                                    PLATFORM of the demo partner Cloudbridge Solutions;
    # as: SALES of Northwind Cloud Services      another demo partner's;
    # as: CUSTOMER with $customerToken           a token an earlier answer returned;
    # after: 1. Register            the earlier example it follows (its bold title, its section
                                    heading, the start of either, or an operation name): its
                                    variables take their values from that example's answer
                                    (and the one it follows in turn, nearest first);
    # expect: REGISTRATION_CONFLICT the refusal it shows: some operation answers this code,
                                    as a userError or a top-level error;
    # expect: empty                 its answer may hold empty lists (`# expect: empty
                                    couponDeductions, discounts`: only those);
    # variables: {"id": "$customer.id", "cycle": "<last month>"}

A ```sh block with `curl` starts with `# as:` too (its `TOKEN=` line is that token).
Blocks run in README order on one demo database, so each sees what the ones before did.

A variable is filled, in this order, from `# variables:` — a `$path` reference (`$customer.id`,
`$apiTokens.nodes[-1].id`, `$partnerUsers.nodes[name=BI Viewer].id`, `$invitationLink?token`:
the `token` parameter of the link), a date placeholder (`<this month>`, `<last month>`,
`<N months ago>` as YYYY-MM of the business calendar; `<in N days>` as a date-time; `<today>`
as the business date, YYYY-MM-DD), or a plain
JSON value — or else by its name from the earlier operations of the block and the example it
follows: `$id` is the first `id` there, `$fooId` the `id` of the first object under a key
ending in `foo` (`$userId` <- `partnerUser.id`), `$foo` the first value under the key `foo`.
A nullable variable without a value is left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from graphql import OperationDefinitionNode, parse

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PRINCIPALS = ("ADMIN", "FINANCE", "SALES", "VIEWER", "CUSTOMER", "PLATFORM")
DEMO_PARTNER = "Cloudbridge Solutions"
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
LEAD_BOLD = re.compile(r"^\s*(?:[-*]\s+|\d+\.\s+)?\*\*(.+?)\*\*")  # a paragraph's title
AS_LINE = re.compile(
    rf"^(?P<role>{'|'.join(PRINCIPALS)})(?:\s+of\s+(?P<partner>.+?))?(?:\s+with\s+(?P<ref>\$\S+))?$"
)


@dataclass
class Block:
    """One fenced block of README.md."""

    lang: str
    line: int  # 1-based line of its opening fence
    text: str
    title: str  # the bold title (or heading) it stands under
    heading: str
    comments: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")[:40]
        return f"L{self.line}-{slug or 'block'}"

    @property
    def operations(self) -> list[OperationDefinitionNode]:
        return [d for d in parse(self.text).definitions if isinstance(d, OperationDefinitionNode)]

    @property
    def principal(self) -> tuple[str, str, str | None]:
        """(role, partner, token reference) of its `# as:` line."""
        match = AS_LINE.match(self.comments.get("as", ""))
        if match is None:
            raise AssertionError(
                f"README line {self.line}: the block needs `# as: <{'|'.join(PRINCIPALS)}>`"
                f" [of <partner>] [with $reference], not {self.comments.get('as')!r}"
            )
        return match["role"], match["partner"] or DEMO_PARTNER, match["ref"]

    @property
    def expect(self) -> str | None:
        value = self.comments.get("expect", "")
        return value.split()[0] if value and not value.startswith("empty") else None

    @property
    def may_be_empty(self) -> set[str] | None:
        """None: every list must hold something; else the fields allowed to be empty."""
        value = self.comments.get("expect", "")
        if not value.startswith("empty"):
            return None
        rest = value[len("empty") :].strip()
        return {"*"} if not rest else {name.strip() for name in rest.split(",") if name.strip()}

    @property
    def variables(self) -> dict[str, Any]:
        raw = self.comments.get("variables")
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except json.JSONDecodeError as error:
            message = f"README line {self.line}: `# variables:` is not JSON: {error}"
            raise AssertionError(message) from error


def _normalize(title: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*`]", "", title)).strip().rstrip(".:").lower()


def read_blocks(path: Path = README) -> list[Block]:
    """Every fenced block, with the title and heading it stands under."""
    blocks: list[Block] = []
    heading = title = ""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence is None:
            if line.startswith("#"):
                heading = title = line.lstrip("#").strip()
            lead = LEAD_BOLD.match(line)
            if lead:
                title = lead[1]
            i += 1
            continue
        indent, lang, start = len(fence[1]), fence[2], i
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i].lstrip())
            i += 1
        i += 1
        block = Block(lang, start + 1, "\n".join(body) + "\n", title.strip(" .:"), heading)
        for comment in body:
            stripped = comment.strip()
            if not stripped.startswith("#"):
                break
            key, _, value = stripped.lstrip("#").strip().partition(":")
            if key.strip() in ("as", "after", "expect", "variables") and value:
                block.comments[key.strip()] = value.strip()
        blocks.append(block)
    return blocks


def graphql_blocks() -> list[Block]:
    return [b for b in read_blocks() if b.lang == "graphql"]


def find_after(blocks: list[Block], block: Block) -> Block | None:
    """The latest earlier block whose title, section heading or operation name `# after:`
    names (or begins)."""
    wanted = block.comments.get("after")
    if not wanted:
        return None
    key = _normalize(wanted)
    earlier = blocks[: blocks.index(block)]
    for candidate in reversed(earlier):
        names = {_normalize(op.name.value) for op in candidate.operations if op.name}
        titles = (_normalize(candidate.title), _normalize(candidate.heading))
        if any(title.startswith(key) for title in titles) or key in names:
            return candidate
    raise AssertionError(
        f"README line {block.line}: `# after: {wanted}` names no earlier example "
        f"(titles: {[b.title for b in earlier]})"
    )


# ---- values -----------------------------------------------------------------------------

STEP = re.compile(r"([^.\[\]?]+)|\[([^\]]+)\]")


def _walk(value: Any, steps: list[str]) -> Any:
    """Follow `steps` from `value`; lists take their first element unless a selector says."""
    for step in steps:
        while isinstance(value, list) and not step.startswith("["):
            if not value:
                raise LookupError
            value = value[0]
        if step.startswith("["):
            if not isinstance(value, list) or not value:
                raise LookupError
            selector = step[1:-1]
            if "=" in selector:
                key, _, wanted = selector.partition("=")
                matches = [v for v in value if isinstance(v, dict) and str(v.get(key)) == wanted]
                if not matches:
                    raise LookupError
                value = matches[0]
            else:
                value = value[int(selector)]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            raise LookupError
    if isinstance(value, list):
        if not value:
            raise LookupError
        value = value[0]
    if value is None:
        raise LookupError
    return value


def _dicts(value: Any) -> list[dict[str, Any]]:
    """Every object in an answer, in document order."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(_dicts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_dicts(item))
    return found


def lookup(reference: str, sources: list[Any]) -> Any:
    """A `$path` (or `$path?param`) from the first source (answer) that has it."""
    path, _, param = reference.lstrip("$").partition("?")
    steps = [m[0] for m in STEP.finditer(path)]
    for source in sources:
        for candidate in _dicts(source):
            try:
                value = _walk(candidate, steps)
            except (LookupError, IndexError, ValueError):
                continue
            if param:
                values = parse_qs(urlsplit(str(value)).query).get(param)
                if not values:
                    continue
                return values[0]
            return value
    raise LookupError(reference)


def by_name(name: str, sources: list[Any]) -> Any:
    """A variable's value from its name alone (see the module docstring)."""
    if name == "id":
        return lookup("$id", sources)
    if name.endswith("Id") and len(name) > 2:
        stem = name[:-2].lower()
        for source in sources:
            for candidate in _dicts(source):
                for key, value in candidate.items():
                    if key.lower().endswith(stem) and isinstance(value, dict) and value.get("id"):
                        return value["id"]
                    if (
                        key.lower().endswith(stem)
                        and isinstance(value, list)
                        and value
                        and isinstance(value[0], dict)
                        and value[0].get("id")
                    ):
                        return value[0]["id"]
        raise LookupError(name)
    return lookup(f"${name}", sources)


def _months_back(today: datetime, months: int) -> str:
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def placeholder(value: str, today: datetime) -> Any:
    """`<this month>`, `<last month>`, `<N months ago>`, `<in N days>`, `<today>` on the
    given day."""
    text = value.strip("<>").strip().lower()
    if text == "today":
        return today.date().isoformat()
    if text == "this month":
        return _months_back(today, 0)
    if text == "last month":
        return _months_back(today, 1)
    if m := re.fullmatch(r"(\d+) months? ago", text):
        return _months_back(today, int(m[1]))
    if m := re.fullmatch(r"in (\d+) days?", text):
        moment = today + timedelta(days=int(m[1]))
        return moment.replace(microsecond=0).isoformat()
    raise AssertionError(f"unknown placeholder {value!r}")


def resolve(value: Any, sources: list[Any], today: datetime) -> Any:
    """A `# variables:` value with its references and placeholders filled in."""
    if isinstance(value, dict):
        return {k: resolve(v, sources, today) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, sources, today) for v in value]
    if isinstance(value, str) and value.startswith("$"):
        return lookup(value, sources)
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        return placeholder(value, today)
    return value


# ---- what an answer must hold -----------------------------------------------------------


def error_codes(answer: Any) -> list[str]:
    """Every top-level error code and userError code of an answer."""
    codes = [(e.get("extensions") or {}).get("code", "") for e in (answer.get("errors") or [])]
    for candidate in _dicts(answer.get("data")):
        for error in candidate.get("userErrors") or []:
            codes.append(error.get("code", ""))
    return codes


def empty_lists(data: Any, allowed: set[str]) -> list[str]:
    """Paths of lists that are empty wherever they occur (and root fields that are null).

    A list counts as holding data when at least one of its occurrences does (some customers
    have no labels; the page must still show some customer with labels). `userErrors` is
    meant to be empty and never counts.
    """
    seen: dict[str, bool] = {}
    nulls: list[str] = []

    def visit(value: Any, path: str, key: str) -> None:
        if isinstance(value, list):
            if key != "userErrors" and key not in allowed:
                seen[path] = seen.get(path, False) or bool(value)
            for item in value:
                visit(item, path, key)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{path}.{k}" if path else k, k)

    if isinstance(data, dict):
        for k, v in data.items():
            if v is None and k not in allowed:
                nulls.append(k)
        visit(data, "", "")
    return nulls + [path for path, held in seen.items() if not held]


# ---- what README says about the demo ----------------------------------------------------


def prose(path: Path = README) -> str:
    """README.md without its fenced blocks and code spans, paragraphs on one line each."""
    text = re.sub(r"^\s*```.*?^\s*```\s*$", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n".join(paragraphs)


def demo_numbers(text: str) -> list[tuple[str, int, int]]:
    """(clause, start, end in the clause) of every number in a clause that speaks of the demo
    (code spans, links and addresses left out)."""
    found = []
    for paragraph in text.splitlines():
        for clause in _clauses(paragraph):
            if "demo" not in clause.lower():
                continue
            masked = re.sub(r"`[^`]*`|\]\([^)]*\)|<[^>]*>", lambda m: " " * len(m[0]), clause)
            for number in re.finditer(r"(?<![\w.-])\d+(?:[.,]\d+)*(?![\w-])", masked):
                found.append((clause, number.start(), number.end()))
    return found


def _clauses(paragraph: str) -> list[str]:
    """Sentences and `;` clauses, not split inside parentheses."""
    clauses, depth, start = [], 0, 0
    for i, char in enumerate(paragraph):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ".;" and depth <= 0 and paragraph[i + 1 : i + 2] in (" ", ""):
            clauses.append(paragraph[start : i + 1].strip())
            start = i + 1
    clauses.append(paragraph[start:].strip())
    return [c for c in clauses if c]
