"""The layout stays findable: one word per domain in every layer, small modules, and each
mutation's schema, resolver, service and test under its domain's word (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.schema import schema

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {
    "partners",
    "customers",
    "lifecycle",
    "funds",
    "orders",
    "consumption",
    "coupons",
    "invoices",
}
CORE = "core"
LAYERS = ("models", "schema", "resolvers", "services")
MAX_LINES = 400


def subpackages(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_has_one_subpackage_per_domain_and_core(layer: str) -> None:
    assert subpackages(ROOT / "app" / layer) == DOMAINS | {CORE}


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_has_no_module_beside_its_domains_but_its_entry_points(layer: str) -> None:
    # given what may stand at a layer's top: the package marker, the schema's entry points
    allowed = {"__init__.py", "roots.py"} if layer == "schema" else {"__init__.py"}
    # then
    assert {p.name for p in (ROOT / "app" / layer).glob("*.py")} <= allowed


def test_loaders_are_declared_per_domain() -> None:
    modules = {p.stem for p in (ROOT / "app" / "loaders").glob("*.py")}
    assert modules == DOMAINS | {"__init__", "base"}


def test_no_module_in_app_passes_the_size_limit() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "app").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def mutation_fields() -> list[tuple[str, str]]:
    """(GraphQL name, module of the schema resolver) of every mutation."""
    mutation = schema.get_type_by_name("Mutation")
    assert mutation is not None
    found = []
    for field in mutation.fields:  # type: ignore[attr-defined]
        resolver = field.base_resolver.wrapped_func
        found.append((field.graphql_name or field.python_name, resolver.__module__))
    return found


@pytest.mark.parametrize("name, module", mutation_fields())
def test_a_mutations_schema_resolver_lives_in_its_domain(name: str, module: str) -> None:
    parts = module.split(".")
    assert parts[:2] == ["app", "schema"] and parts[2] in DOMAINS, (name, module)


def test_tests_use_the_same_domain_words() -> None:
    assert subpackages(ROOT / "tests") == DOMAINS | {CORE}


def defines(folder: Path, function: str) -> bool:
    pattern = re.compile(rf"^(async )?def {function}\(", re.M)
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in folder.rglob("*.py"))


@pytest.mark.parametrize("name, module", mutation_fields())
def test_a_mutation_is_found_by_its_name_in_every_layer_of_its_domain(
    name: str, module: str
) -> None:
    # given the domain its schema lives in
    domain, function = module.split(".")[2], snake(name)
    # then its resolver, its service and its test file use the same word and name
    assert defines(ROOT / "app" / "resolvers" / domain, function), (name, "resolver")
    assert defines(ROOT / "app" / "services" / domain, function), (name, "service")
    assert (ROOT / "tests" / domain / f"test_{function}.py").exists(), (name, "test file")


def runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (not those under `if TYPE_CHECKING:`)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_resolvers_name_schema_types_only_for_type_hints() -> None:
    # Data flows one way: the schema calls resolvers; a resolver may name the schema's input
    # types in its annotations (under TYPE_CHECKING) but never imports the schema at run time.
    offenders = {}
    for path in (ROOT / "app" / "resolvers").rglob("*.py"):
        schema_imports = sorted(m for m in runtime_imports(path) if m.startswith("app.schema"))
        if schema_imports:
            offenders[str(path.relative_to(ROOT))] = schema_imports
    assert offenders == {}
