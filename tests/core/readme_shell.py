"""README.md's shell side: the console commands it prints and its ```sh examples.

A console command is any `.venv/bin/partner-console ...` (or `partner-console ...`) in a code
span or a shell block. Each names a real command with real options; one without placeholders
(`<...>`, `YYYY-MM`, `...`) whose command only reads or issues a token is also run on the demo
data. A ```sh block with `curl` runs in bash as written against a started server: `curl` and
`duckdb` are wrapped (curl fails on an HTTP error; without duckdb installed its query is
answered by pyarrow from the same file), the `TOKEN=` line is the token of its `# as:` line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click

from app.cli import main
from tests.core.readme_blocks import README, read_blocks

CONSOLE = re.compile(r"(?:\.venv/bin/)?partner-console((?:\s+[^`\s|;&<>]+|\s+<[^>`]*>)*)")
SPAN = re.compile(r"`([^`]+)`")
PLACEHOLDER = re.compile(r"<[^>]*>|YYYY|\.\.\.|\bN\b|\bID\b|\bFILE\b|\bDAYS\b")
# commands that only read or issue a token: run on the demo data (the others: checked only)
RUNNABLE = {
    ("create-token",),
    ("funds", "verify"),
    ("consumption", "verify"),
    ("jobs", "list"),
    ("export-schema",),
}


@dataclass(frozen=True)
class ConsoleCall:
    text: str  # as printed
    args: tuple[str, ...]

    @property
    def runnable(self) -> bool:
        if PLACEHOLDER.search(" ".join(self.args)):
            return False
        if "--help" in self.args:
            return True
        path = tuple(a for a in self.args if not a.startswith("-"))[:2]
        return any(path[: len(r)] == r for r in RUNNABLE)


def console_calls(path: Path = README) -> list[ConsoleCall]:
    """Every console command README.md prints (code spans may wrap lines)."""
    text = path.read_text(encoding="utf-8")
    found: dict[str, ConsoleCall] = {}
    prose = re.sub(r"^\s*```.*?^\s*```\s*$", "", text, flags=re.M | re.S)
    pieces = [" ".join(span.split()) for span in SPAN.findall(prose)]
    pieces += [
        line
        for block in read_blocks(path)
        if block.lang in ("sh", "bash", "shell", "console")
        for line in block.text.splitlines()
        if "partner-console" in line
    ]
    for piece in pieces:
        for match in CONSOLE.finditer(piece):
            if match.start() and piece[match.start() - 1] not in " `(/":
                continue
            words = [w for w in shlex.split(match[1].split(" #")[0]) if w]
            if not words or words[0].startswith("<") or words[0] == "...":  # any command
                continue
            call = ConsoleCall(" ".join(match[0].split()), tuple(words))
            found.setdefault(call.text, call)
    return list(found.values())


def check_known(call: ConsoleCall) -> None:
    """The call names an existing (sub)command and only options that command has."""
    command: click.Command = main
    options: list[str] = []
    for word in call.args:
        if word.startswith("-"):
            options.append(word.split("=")[0])
        elif isinstance(command, click.Group):
            assert word in command.commands, f"{call.text}: {command.name} has no command {word}"
            command = command.commands[word]
    assert not isinstance(command, click.Group) or "--help" in options, (
        f"{call.text}: names a group of commands, not a command"
    )
    known = {"--help"} | {opt for p in command.params for opt in p.opts}
    unknown = [o for o in options if o not in known]
    assert not unknown, f"{call.text}: {command.name} has no option {unknown}"


CURL_WRAPPER = """
README_N=0
curl() {
  README_N=$((README_N + 1))
  command curl -fsS "$@" | tee "$README_CURL_LOG.$README_N"
}
"""

DUCKDB_STANDIN = r"""
duckdb() {
  "$README_PYTHON" - "$2" <<'PY'
import re, sys
import pyarrow.parquet as pq
sql = sys.argv[1]
name = re.search(r"'([^']+\.parquet)'", sql)[1]
table = pq.read_table(name)
wanted = [c for c in ("bill_cycle", "service_type", "amount_due") if c in sql]
missing = [c for c in wanted if c not in table.column_names]
assert not missing, f"no column {missing} in {name}"
assert table.num_rows > 0, f"{name} holds no rows"
print(table.group_by(["bill_cycle", "service_type"]).aggregate([("amount_due", "sum")]))
PY
}
"""


def shell_script(text: str, port: int, has_duckdb: bool) -> str:
    """The block as bash runs it: the server's port, the wrappers, no `TOKEN=` placeholder."""
    lines = [line for line in text.splitlines() if not re.match(r"^\s*TOKEN=", line)]
    body = "\n".join(lines).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return "set -euo pipefail\n" + CURL_WRAPPER + ("" if has_duckdb else DUCKDB_STANDIN) + body


def redirect_targets(text: str) -> list[str]:
    """Files the block's commands write (`> file`)."""
    return re.findall(r">\s*([\w.-]+)\s*$", text, flags=re.M)


def command_table(path: Path = README) -> list[ConsoleCall]:
    """The rows of the *Command line* table: `command [--option ...]`."""
    text = path.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    rows = []
    for cell in re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M):
        words = re.findall(r"--[\w-]+|^[\w-]+(?:\s+[\w-]+)?", cell.replace("\\|", " "))
        args = tuple(w for word in words for w in word.split() if w.islower() or w.startswith("--"))
        rows.append(ConsoleCall(cell, args))
    return rows
