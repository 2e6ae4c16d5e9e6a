"""Every environment root of the committed generated/ through the real Terraform (../shared/tools/tf-plan --apply):
it validates, plans, applies and converges, every `check` block passes, and the table Terraform plans is the one
the spec says. One tf-plan run covers all roots (it runs them in parallel); the tests read its --json report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from dyngen import facts
from dyngen.features import table
from dyngen.model import Environment, Spec
from dyngen.validate import validate_file
from tests.helpers import REPO
from tests.tools import summary_line, tf_plan

GENERATED = REPO / "generated"
ROOTS = sorted(GENERATED.glob("*/envs/*"))
CHECK_BLOCK = re.compile(r'^check "', re.MULTILINE)


def environments() -> list[tuple[Spec, Environment]]:
    found = []
    for path in sorted((REPO / "specs").glob("*.yaml")):
        spec = validate_file(path, f"specs/{path.name}").spec
        assert spec is not None, path
        found += [(spec, env) for env in spec.environments]
    return found


ENVIRONMENTS = environments()


def root_of(spec: Spec, env: Environment) -> Path:
    return GENERATED / spec.name / "envs" / env.name


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return tf_plan(*ROOTS, tmp=tmp_path_factory.mktemp("tf-plan"))


def test_every_root_of_generated_plans_applies_and_converges(report: dict[str, Any]) -> None:
    assert {root_of(spec, env) for spec, env in ENVIRONMENTS} == set(ROOTS)
    summary = f"tf-plan: {len(ROOTS)} roots, 0 errors, 0 warnings, 0 not converged"
    assert summary_line(report) == summary, report["_run"].stdout + report["_run"].stderr
    assert report["_run"].returncode == 0


@pytest.mark.parametrize("spec, env", ENVIRONMENTS, ids=[f"{s.name}/{e.name}" for s, e in ENVIRONMENTS])
def test_the_root_converges_and_its_checks_pass(report: dict[str, Any], spec: Spec, env: Environment) -> None:
    result = report[str(root_of(spec, env))]
    assert (result["errors"], result["warnings"], result["failed_step"]) == (0, 0, None), result["diagnostics"]
    assert result["converged"] and not result["not_converged"]
    assert result["counts"]["change"] == 0 and result["counts"]["remove"] == 0
    checks = [c for c in result["state"]["checks"] if c["address"]["kind"] == "check"]
    assert len(checks) == count_check_blocks(root_of(spec, env))
    assert [c["address"]["to_display"] for c in checks if c["status"] != "pass"] == []
    failed = [c["address"]["to_display"] for c in result["plan"]["checks"] + result["state"]["checks"]
              if c["status"] == "fail"]
    assert failed == []


def count_check_blocks(root: Path) -> int:
    """The `check` blocks of a root and of the module it calls (`../..`)."""
    files = [*root.glob("*.tf"), *(root / ".." / "..").resolve().glob("*.tf")]
    return sum(len(CHECK_BLOCK.findall(f.read_text(encoding="utf-8"))) for f in files)


@pytest.mark.parametrize("spec, env", ENVIRONMENTS, ids=[f"{s.name}/{e.name}" for s, e in ENVIRONMENTS])
def test_terraform_plans_the_table_the_spec_says(report: dict[str, Any], spec: Spec, env: Environment) -> None:
    result = report[str(root_of(spec, env))]
    tables = [c for c in result["plan"]["resource_changes"] if c["type"] == "aws_dynamodb_table"]
    address = "autoscaled" if facts.is_autoscaled(env.settings) else "this"
    assert [c["address"] for c in tables] == [f"module.table.aws_dynamodb_table.{address}[0]"]
    assert tables[0]["change"]["actions"] == ["create"]
    planned = tables[0]["change"]["after"]
    s = env.settings
    assert {key: planned[key] for key in expected_arguments(spec, env)} == expected_arguments(spec, env)
    assert {(a["name"], a["type"]) for a in planned["attribute"]} == set(spec.attributes)
    assert {(i["name"], i["hash_key"], i["range_key"], i["projection_type"])
            for i in planned["global_secondary_index"]} == {
        (i.name, i.hash_key, i.range_key, i.projection_type) for i in spec.global_indexes}
    assert {(i["name"], i["range_key"]) for i in planned["local_secondary_index"]} == {
        (i.name, i.range_key) for i in spec.local_indexes}
    assert bool(planned["stream_enabled"]) == bool(s["stream"]["enabled"])
    if s["stream"]["enabled"]:
        assert planned["stream_view_type"] == s["stream"]["view_type"]
    assert planned["point_in_time_recovery"][0]["enabled"] == bool(s["point_in_time_recovery"]["enabled"])
    assert {r["region_name"] for r in planned["replica"]} == {r["region_name"] for r in s["replicas"] or []}
    assert [t["attribute_name"] for t in planned["ttl"] if t["enabled"]] == [
        name for name in [s["ttl"]["attribute_name"]] if name and s["ttl"]["enabled"]]


def expected_arguments(spec: Spec, env: Environment) -> dict[str, Any]:
    s = env.settings
    expected = {
        "name": env.table_name,
        "billing_mode": s["billing_mode"],
        "hash_key": spec.hash_key,
        "range_key": spec.range_key,
        "table_class": s["table_class"],
        "deletion_protection_enabled": bool(s["deletion_protection"]),
    }
    if s["billing_mode"] == "PROVISIONED":
        expected["read_capacity"] = table.initial_capacity(s, "read")
        expected["write_capacity"] = table.initial_capacity(s, "write")
    return expected


@pytest.mark.parametrize("spec, env", ENVIRONMENTS, ids=[f"{s.name}/{e.name}" for s, e in ENVIRONMENTS])
def test_the_table_is_encrypted_as_the_spec_says(report: dict[str, Any], spec: Spec, env: Environment) -> None:
    """AWS-owned key (encryption off), AWS-managed key, a key the spec names, or a key the module creates: read from
    the plan and, for the created key, from the applied state, where the table must use that very key."""
    result = report[str(root_of(spec, env))]
    change = next(c for c in result["plan"]["resource_changes"] if c["type"] == "aws_dynamodb_table")
    planned = change["change"]["after"]["server_side_encryption"][0]
    encryption = env.settings["encryption"]
    assert planned["enabled"] == bool(encryption["enabled"])
    created_keys = [r["values"]["arn"] for r in state_resources(result["state"]) if r["type"] == "aws_kms_key"]
    mode = facts.customer_key_mode(env.settings)
    assert len(created_keys) == (1 if mode == "created" else 0)
    if mode == "existing":
        assert planned["kms_key_arn"] == encryption["kms_key_arn"]
    elif mode == "created":
        applied = next(r for r in state_resources(result["state"]) if r["type"] == "aws_dynamodb_table")
        assert applied["values"]["server_side_encryption"][0]["kms_key_arn"] == created_keys[0]
    else:  # AWS-owned or AWS-managed: the configuration names no key, AWS picks it
        assert "kms_key_arn" not in planned and change["change"]["after_unknown"]["server_side_encryption"] == [
            {"kms_key_arn": True}]


def state_resources(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    modules = [state["values"]["root_module"]]
    while modules:
        module = modules.pop()
        yield from module.get("resources", [])
        modules += module.get("child_modules", [])
