"""The committed JSON Schemas and AsyncAPI document are what the models generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from casia_contracts.asyncapi import ASYNCAPI_FILE
from casia_contracts.schemas import (
    EXPORT_COMMAND,
    SCHEMAS_DIR,
    all_schemas,
    export,
    main,
    out_of_date,
    rendered_files,
)


def test_committed_schema_files_are_exactly_the_generated_ones() -> None:
    committed = sorted(path.name for path in SCHEMAS_DIR.glob("*.json"))

    assert committed == sorted(all_schemas()), f"schemas added or removed: run `{EXPORT_COMMAND}`"


@pytest.mark.parametrize("path", sorted(rendered_files()), ids=lambda path: path.name)
def test_committed_file_equals_the_generated_one(path: Path) -> None:
    expected = rendered_files()[path]

    assert path.exists(), f"{path.name} is missing: run `{EXPORT_COMMAND}`"
    assert path.read_text(encoding="utf-8") == expected, f"{path.name} is out of date: run `{EXPORT_COMMAND}`"


@pytest.mark.parametrize("name", sorted(all_schemas()))
def test_each_schema_is_valid_json_schema_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(all_schemas()[name])


def test_envelope_schemas_fix_their_type() -> None:
    schema = all_schemas()["es.casia.case.opened.json"]

    assert schema["properties"]["type"]["const"] == "es.casia.case.opened"
    assert schema["properties"]["data"] == {"$ref": "#/$defs/CaseOpened"}
    assert "CloudEvents 1.0" in schema["description"]


def test_check_command_passes_when_in_sync(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().err == ""


def test_export_writes_everything_removes_stale_files_and_then_settles(tmp_path: Path) -> None:
    schemas_dir, asyncapi_file = tmp_path / "schemas", tmp_path / "asyncapi.json"
    schemas_dir.mkdir()
    (schemas_dir / "es.casia.case.renamed.json").write_text("{}", encoding="utf-8")

    changed = export(schemas_dir, asyncapi_file)

    assert schemas_dir / "es.casia.case.renamed.json" in changed
    assert not (schemas_dir / "es.casia.case.renamed.json").exists()
    assert sorted(path.name for path in schemas_dir.iterdir()) == sorted(all_schemas())
    assert json.loads(asyncapi_file.read_text(encoding="utf-8"))["asyncapi"] == "3.0.0"
    assert export(schemas_dir, asyncapi_file) == []
    assert out_of_date(schemas_dir, asyncapi_file) == []


def test_check_lists_what_is_out_of_date(tmp_path: Path) -> None:
    export(tmp_path, tmp_path / "asyncapi.json")
    (tmp_path / "es.casia.case.opened.json").write_text("{}\n", encoding="utf-8")

    assert out_of_date(tmp_path, tmp_path / "asyncapi.json") == [tmp_path / "es.casia.case.opened.json"]


def test_files_are_pretty_sorted_json() -> None:
    text = ASYNCAPI_FILE.read_text(encoding="utf-8")

    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
