"""`dyngen import`: AWS CLI documents (and Terraform files) become specs that validate, render, and plan as imports
of the existing table with nothing to add or change (tf-plan --import-fixtures, fixtures written from the source).

Regenerate the expected specs after a deliberate change: DYNGEN_UPDATE_IMPORT=1 pytest tests/test_import.py, then
read `git diff tests/cases/import` before committing it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import hcl2
import pytest

from dyngen import core
from dyngen.importer import ImportOptions, aws_documents, import_sources
from dyngen.importer.fixtures import fixture_files
from dyngen.importer.terraform import table_documents
from tests.helpers import run_cli
from tests.tools import assert_external_checks_pass, require, tf_plan, write_tree

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "cases" / "import"
AWS_CASES = sorted(p for p in (CASES / "aws").iterdir() if p.is_dir())
INVALID_CASES = sorted(p for p in (CASES / "aws-invalid").iterdir() if p.is_dir())
TERRAFORM_CASES = sorted(p for p in (CASES / "terraform").iterdir() if p.is_dir() and p.name != "unresolved")
UNRESOLVED = CASES / "terraform" / "unresolved"
UPDATE = os.environ.get("DYNGEN_UPDATE_IMPORT") == "1"
COMPUTED = {"arn", "id", "stream_arn", "stream_label", "tags_all", "region"}


def relative(folder: Path) -> str:
    return folder.relative_to(REPO).as_posix()


def compare_with_expected(text: str, expected: Path) -> None:
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", AWS_CASES, ids=lambda p: p.name)
def test_aws_documents_become_the_expected_spec(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    outcome = import_sources([relative(case)], ImportOptions(write=False))
    assert outcome.complete(partial=False), [p.message for p in outcome.problems + outcome.specs[0].problems]
    [spec] = outcome.specs
    assert spec.text.startswith("# yaml-language-server: $schema=../schemas/dyngen.schema.json\n# Imported by")
    compare_with_expected(spec.text, case / "expected.yaml")


@pytest.mark.parametrize("case", INVALID_CASES, ids=lambda p: p.name)
def test_what_dynamodb_refuses_is_refused_with_validates_message(case: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("import", str(case))
    assert result.exit_code == 1
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert expected in result.output.splitlines()
    assert "nothing written" in result.output
    assert not (tmp_path / "specs").exists()


def test_the_customer_key_without_describe_key_is_kept_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    outcome = import_sources([relative(CASES / "aws" / "two-gsis-customer-key")], ImportOptions(write=False))
    assert "kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/" in outcome.specs[0].text
    assert any("no `aws kms describe-key` document" in w.message for w in outcome.warnings)


def test_describe_key_tells_an_aws_managed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    outcome = import_sources([relative(CASES / "aws" / "provisioned")], ImportOptions(write=False))
    assert "encryption: {enabled: true}" in outcome.specs[0].text
    assert not any("describe-key" in w.message for w in outcome.warnings)


@pytest.mark.parametrize("case", TERRAFORM_CASES, ids=lambda p: p.name)
def test_terraform_files_become_the_expected_spec(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    outcome = import_sources([relative(case)], ImportOptions(write=False))
    assert outcome.complete(partial=False), [p.message for p in outcome.problems] + [w.text() for w in outcome.warnings]
    [spec] = outcome.specs
    compare_with_expected(spec.text, case / "expected.yaml")


def test_unresolved_terraform_is_located_kept_as_todo_and_fails_unless_partial(tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "specs"
    strict = run(relative(UNRESOLVED), "--out", str(out))
    assert strict.exit_code == 1
    expected = (UNRESOLVED / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in strict.output.splitlines() if ": warning: " in line] == expected
    spec = (out / "orders.yaml").read_text(encoding="utf-8")
    assert "      # TODO kms_key_arn: server_side_encryption.kms_key_arn = `aws_kms_key.table.arn`" in spec
    assert "# TODO global_secondary_indexes: dynamic.global_secondary_index.for_each = `var.indexes`" in spec
    assert "attributes: {order_id: S}\n" in spec  # the unread index's key attribute would be refused
    assert not core.validate_paths([out]).problems
    partial = run(relative(UNRESOLVED), "--out", str(out), "--partial", "--force")
    assert partial.exit_code == 0


# --- the command line -----------------------------------------------------------------------------------------------


def run(*args: str) -> Any:
    return run_cli("import", *args)


def test_writes_one_spec_per_table_and_never_overwrites_without_force(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = run(str(CASES / "aws" / "on-demand"), str(CASES / "aws" / "provisioned"))
    assert first.exit_code == 0, first.output
    assert "wrote specs/sessions.yaml (table sessions)" in first.output.splitlines()
    assert "wrote specs/inventory.yaml (table inventory)" in first.output.splitlines()
    (tmp_path / "specs" / "sessions.yaml").write_text("# mine\n", encoding="utf-8")
    again = run(str(CASES / "aws" / "on-demand"))
    assert again.exit_code == 1
    assert "specs/sessions.yaml exists; nothing written (--force overwrites it)" in again.output
    assert (tmp_path / "specs" / "sessions.yaml").read_text(encoding="utf-8") == "# mine\n"
    forced = run(str(CASES / "aws" / "on-demand"), "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "specs" / "sessions.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_stdout_name_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(str(CASES / "aws" / "on-demand"), "--stdout", "--name", "web-sessions", "--env", "live")
    assert result.exit_code == 0, result.output
    assert "name: web-sessions\ntable_name: sessions\n" in result.output
    assert "environments:\n  live:\n    import_existing: true\n" in result.output
    assert not (tmp_path / "specs").exists()


def test_name_needs_one_table_and_sources_exclude_aws() -> None:
    two = run(str(CASES / "aws" / "on-demand"), str(CASES / "aws" / "provisioned"), "--name", "x", "--stdout")
    assert two.exit_code == 2 and "--name names one spec" in two.output
    both = run(str(CASES / "aws" / "on-demand"), "--aws", "sessions")
    assert both.exit_code == 2


def test_a_document_dyngen_does_not_know_is_a_located_error(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"TableNames": ["a"]}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"Table": ', encoding="utf-8")
    result = run(str(odd), str(broken), "--stdout")
    assert result.exit_code == 1
    assert f"{odd}:1:1: error: not an AWS CLI document that dyngen imports (top-level: TableNames;" in result.output
    assert f"{broken}:1:11: error: not JSON: Expecting value" in result.output


# --- the proof: Terraform plans an import with no change ------------------------------------------------------------


def aws_fixtures(case: Path, into: Path) -> None:
    loaded = [aws_documents.load(p, str(p))[0] for p in sorted(case.glob("*.json"))]
    tables, problems = aws_documents.group([d for d in loaded if d])
    assert not problems
    write_fixtures([f for table in tables for f in fixture_files(table).items()], into)


def write_fixtures(files: list[tuple[str, dict[str, Any]]], into: Path) -> None:
    for name, attributes in files:
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(attributes, indent=2), encoding="utf-8")


def normal(value: Any) -> Any:
    """Planned values and fixtures alike: no nulls or empty collections, sets in one order."""
    if isinstance(value, dict):
        found = {k: normal(v) for k, v in value.items()}
        return {k: v for k, v in found.items() if v not in (None, [], {})}
    if isinstance(value, list):
        items = [normal(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))  # the table's lists are all sets
    return value


def planned_table(report: dict[str, Any]) -> dict[str, Any]:
    [change] = [c for c in report["plan"]["resource_changes"] if c["type"] == "aws_dynamodb_table"]
    assert change["change"].get("importing"), change
    return change["change"]["after"]


def test_imported_specs_plan_as_imports_with_nothing_to_add_or_change(tmp_path: Path) -> None:
    require("tf-plan")
    specs, generated, fixtures = tmp_path / "specs", tmp_path / "generated", tmp_path / "fixtures"
    outcome = import_sources([str(c) for c in AWS_CASES + TERRAFORM_CASES], ImportOptions(out=specs))
    assert outcome.complete(partial=False)
    for case in AWS_CASES:
        aws_fixtures(case, fixtures)
    for case in TERRAFORM_CASES:
        files = [(p, str(p)) for p in sorted(case.glob("*.tf"))]
        write_fixtures([f for docs in table_documents(files) for f in fixture_files(docs).items()], fixtures)
    assert not core.validate_paths([specs]).problems
    core.render_paths([specs], generated)
    roots = sorted(generated.glob("*/envs/prod"))
    assert len(roots) == len(AWS_CASES + TERRAFORM_CASES)
    report = tf_plan(*roots, apply=False, extra=("--import-fixtures", str(fixtures)), tmp=tmp_path)
    for root in roots:
        result = report[str(root)]
        imports = (root / "main.tf").read_text(encoding="utf-8").count("\nimport {")
        assert result["counts"] | {"operation": None} == {"import": imports, "add": 0, "change": 0, "remove": 0,
                                                          "operation": None}, (root, result["diagnostics"])
        table = planned_table(result)
        source = json.loads((fixtures / "aws_dynamodb_table" / f"{table['name']}.json").read_text(encoding="utf-8"))
        arguments = {k: v for k, v in source.items() if k not in COMPUTED}
        assert_says(normal(table), normal(arguments), table["name"])


def assert_says(planned: Any, source: Any, where: str) -> None:
    """Everything the source says is in the plan, as it says it (computed values the source leaves out aside)."""
    if isinstance(source, dict):
        assert isinstance(planned, dict), (where, planned, source)
        for key, value in source.items():
            assert_says(planned.get(key), value, f"{where}.{key}")
    elif isinstance(source, list) and source and isinstance(source[0], dict):
        assert isinstance(planned, list) and len(planned) == len(source), (where, planned, source)
        for number, (got, want) in enumerate(zip(planned, source)):
            assert_says(got, want, f"{where}[{number}]")
    else:
        assert planned == source, (where, planned, source)


# --- import blocks of an adopting environment -----------------------------------------------------------------------

ADOPTING = """
version: 1
name: tickets
table_name: "tickets-{env}"
hash_key: id
attributes: {id: S, status: S}
global_secondary_indexes:
  - {name: ByStatus, hash_key: status, projection_type: ALL}
environments:
  staging: {}
  prod:
    import_existing: true
    billing_mode: PROVISIONED
    read_capacity: 5
    write_capacity: 5
    autoscaling:
      enabled: true
      read: {min_capacity: 5, max_capacity: 50}
      write: {min_capacity: 5, max_capacity: 50}
"""


def import_blocks(text: str) -> list[dict[str, str]]:
    return [{k: v for k, v in block.items() if not k.startswith("__")} for block in hcl2.loads(text).get("import", [])]


def test_only_the_adopting_environment_imports_its_table_targets_and_policies(render_yaml: Any, tmp_path: Path) -> None:
    files = render_yaml(ADOPTING)
    assert import_blocks(files["tickets/envs/staging/main.tf"]) == []
    prod = import_blocks(files["tickets/envs/prod/main.tf"])
    table_id, index_id = "dynamodb/table/tickets-prod", "dynamodb/table/tickets-prod/index/ByStatus"
    expected = [{"to": "${module.table.aws_dynamodb_table.autoscaled[0]}", "id": '"tickets-prod"'}]
    for kind, key, resource in (("table", "[0]", table_id), ("index", '["ByStatus"]', index_id)):
        for direction, unit, metric in (("read", "ReadCapacityUnits", "DynamoDBReadCapacityUtilization"),
                                        ("write", "WriteCapacityUnits", "DynamoDBWriteCapacityUtilization")):
            target = f"{resource}/dynamodb:{kind}:{unit}"
            expected += [
                {"to": f"${{module.table.aws_appautoscaling_target.{kind}_{direction}{key}}}", "id": f'"{target}"'},
                {"to": f"${{module.table.aws_appautoscaling_policy.{kind}_{direction}{key}}}",
                 "id": f'"{target}/{metric}:{resource.removeprefix("dynamodb/")}"'},
            ]
    assert prod == expected
    assert_external_checks_pass(write_tree(files, tmp_path / "generated"))


def test_contributor_insights_of_the_table_are_read_and_an_index_s_are_not_the_table_s(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    for name in ("table.json", "ttl.json", "backups.json", "tags.json"):
        (folder / name).write_text((CASES / "aws" / "on-demand" / name).read_text(encoding="utf-8"), encoding="utf-8")
    insights = {"TableName": "sessions", "ContributorInsightsRuleList": ["DynamoDBContributorInsights-PKC-sessions"],
                "ContributorInsightsStatus": "ENABLED", "LastUpdateDateTime": "2024-05-02T10:00:00+00:00"}
    (folder / "insights.json").write_text(json.dumps(insights), encoding="utf-8")
    (folder / "index-insights.json").write_text(json.dumps(insights | {"IndexName": "Other",
                                                                       "ContributorInsightsStatus": "DISABLED"}))
    outcome = import_sources([folder], ImportOptions(write=False))
    assert "    contributor_insights: true\n" in outcome.specs[0].text


def test_a_table_whose_name_cannot_be_resolved_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "name" {}\n\nresource "aws_dynamodb_table" "t" {\n'
                                      '  name     = var.name\n  hash_key = "pk"\n}\n', encoding="utf-8")
    result = run(str(tmp_path), "--stdout")
    assert result.exit_code == 1
    assert (f"{tmp_path / 'main.tf'}:4:3: error: aws_dynamodb_table.t: its name cannot be resolved; a spec needs it"
            in result.output)


def test_documents_of_features_a_spec_cannot_say_are_named_in_a_warning(tmp_path: Path) -> None:
    for name in ("table.json", "ttl.json", "backups.json", "tags.json"):
        (tmp_path / name).write_text((CASES / "aws" / "on-demand" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "kinesis.json").write_text(json.dumps({"TableName": "sessions", "KinesisDataStreamDestinations": [
        {"StreamArn": "arn:aws:kinesis:eu-west-1:123456789012:stream/sessions", "DestinationStatus": "ACTIVE"}]}))
    (tmp_path / "policy.json").write_text(json.dumps({"Policy": '{"Version": "2012-10-17", "Statement": []}',
                                                      "RevisionId": "1"}))
    outcome = import_sources([tmp_path], ImportOptions(write=False))
    assert outcome.complete(partial=False)
    assert sorted(w.text() for w in outcome.warnings if "not imported" in w.message) == [
        f"{tmp_path / 'kinesis.json'}:0:0: warning: table sessions has Kinesis streaming destinations, which a spec "
        "does not say: not imported",
        f"{tmp_path / 'policy.json'}:0:0: warning: table sessions has a resource-based policy, which a spec does not "
        "say: not imported",
    ]


def test_an_unknown_json_file_in_a_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text((CASES / "terraform" / "literal" / "main.tf").read_text(encoding="utf-8"))
    (tmp_path / "package.json").write_text('{"name": "infra"}', encoding="utf-8")
    result = run(str(tmp_path), "--stdout")
    assert result.exit_code == 0, result.output
    assert (f"{tmp_path / 'package.json'}:1:1: warning: not an AWS CLI document that dyngen imports (top-level: name;"
            in result.output)
