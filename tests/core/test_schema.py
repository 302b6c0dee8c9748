"""The schema as a product: self-documenting, committed, and in step with the code."""

from __future__ import annotations

from pathlib import Path

from graphql import get_introspection_query

from app.schema import schema
from app.schema.core.errors import ErrorCode as SchemaErrorCode
from app.services.core.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def _introspect() -> dict:
    result = schema.execute_sync(get_introspection_query(descriptions=True))
    assert result.errors is None
    return result.data["__schema"]


def test_everything_has_a_description():
    missing = []
    for type_ in _introspect()["types"]:
        name = type_["name"]
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not type_["description"]:
            missing.append(name)
        for field in type_["fields"] or []:
            if not field["description"]:
                missing.append(f"{name}.{field['name']}")
            for arg in field["args"]:
                if not arg["description"]:
                    missing.append(f"{name}.{field['name']}({arg['name']})")
        for field in type_["inputFields"] or []:
            if not field["description"]:
                missing.append(f"{name}.{field['name']}")
        for value in type_["enumValues"] or []:
            if not value["description"]:
                missing.append(f"{name}.{value['name']}")
    assert missing == []


def test_committed_schema_is_current():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `make schema` and commit it"
    )


def test_error_codes_match_the_services():
    assert [c.value for c in SchemaErrorCode] == [c.value for c in ErrorCode]


def test_readme_documents_every_setting():
    from app.settings import Settings

    readme = (ROOT / "README.md").read_text()
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in readme]
    assert missing == []
