"""What a partner's developer reads — README.md, docs/, the schema's descriptions (GraphiQL's
docs) and the console's help — names no file they do not have and no command that fails as
printed (the design notes and rules the team works from are not in the repository; the
system Python has not the project installed)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app.cli import main
from app.schema import schema

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = re.compile(r"\bDOMAIN\b|\bDESIGN\b|DOMAIN\.md|DESIGN\.md|shared/")
UNINSTALLED = re.compile(r"(?<![/\w])python3? -m app\b")
READ_BY_USERS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", READ_BY_USERS, ids=lambda p: p.name)
def test_docs_name_no_private_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if PRIVATE.search(line)]
    assert not found, f"{path.name} points at files users do not have: {found}"


@pytest.mark.parametrize("path", READ_BY_USERS, ids=lambda p: p.name)
def test_docs_print_commands_that_run_as_printed(path: Path) -> None:
    """`python -m app` fails with the system Python: the console is `.venv/bin/partner-console`."""
    text = path.read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if UNINSTALLED.search(line)]
    assert not found, f"{path.name}: use .venv/bin/partner-console (or make): {found}"


def test_schema_descriptions_name_no_private_file() -> None:
    """GraphiQL shows every description: none may point at a file users do not have."""
    for sdl in ((ROOT / "schema.graphql").read_text(encoding="utf-8"), schema.as_str()):
        found = [line.strip() for line in sdl.splitlines() if PRIVATE.search(line)]
        assert not found, f"schema descriptions point at files users do not have: {found}"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=lambda p: " ".join(p) or "partner-console")
def test_console_help_names_no_private_file(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="partner-console")
    assert result.exit_code == 0, result.output
    assert not PRIVATE.search(result.output), result.output
    assert not UNINSTALLED.search(result.output), result.output


def test_the_401_answer_names_a_command_that_runs() -> None:
    from app.http.auth import missing_token

    message = missing_token().message
    assert not UNINSTALLED.search(message) and not PRIVATE.search(message), message
