"""End to end through a Terraform evaluator we did not write: ../shared/tools/tf-resolve loads each committed
environment root of generated/ with its tfvars and the module, and the table it resolves must be what the spec says."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from dyngen import facts
from dyngen.features import table
from dyngen.model import Environment, Spec
from dyngen.validate import validate_file
from tests.helpers import REPO
from tests.tools import TOOLS, require

TF_RESOLVE = TOOLS / "tf-resolve"

SPECS = sorted((REPO / "specs").glob("*.yaml"))



def environments() -> list[tuple[Spec, Environment]]:
    found = []
    for path in SPECS:
        spec = validate_file(path, f"specs/{path.name}").spec
        assert spec is not None, path
        found += [(spec, env) for env in spec.environments]
    return found


def resolve(spec: Spec, env: Environment) -> dict[str, Any]:
    require("tf-resolve")
    root = REPO / "generated" / spec.name / "envs" / env.name
    result = subprocess.run([str(TF_RESOLVE), str(root)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["aws_dynamodb_table"]
    assert len(tables) == 1, sorted(tables)
    return next(iter(tables.values()))


def expected_table(spec: Spec, env: Environment) -> dict[str, Any]:
    s = env.settings
    expected: dict[str, Any] = {
        "name": env.table_name,
        "billing_mode": s["billing_mode"],
        "hash_key": spec.hash_key,
        "table_class": s["table_class"],
        "deletion_protection_enabled": bool(s["deletion_protection"]),
        "tags": dict(s["tags"] or {}),
    }
    if spec.range_key:
        expected["range_key"] = spec.range_key
    if s["billing_mode"] == "PROVISIONED":
        expected["read_capacity"] = table.initial_capacity(s, "read")
        expected["write_capacity"] = table.initial_capacity(s, "write")
    return expected


@pytest.mark.parametrize("spec, env", environments(), ids=lambda x: getattr(x, "name", ""))
def test_the_resolved_table_is_what_the_spec_says(spec: Spec, env: Environment) -> None:
    resolved = resolve(spec, env)
    s = env.settings
    for key, value in expected_table(spec, env).items():
        assert resolved.get(key) == value, key
    assert sorted((a["name"], a["type"]) for a in _list(resolved.get("attribute"))) == sorted(spec.attributes)
    assert sorted(i["name"] for i in _list(resolved.get("global_secondary_index"))) == sorted(
        i.name for i in spec.global_indexes)
    assert resolved["point_in_time_recovery"]["enabled"] == bool(s["point_in_time_recovery"]["enabled"])
    assert resolved["server_side_encryption"]["enabled"] == bool(s["encryption"]["enabled"])
    if s["stream"]["enabled"]:
        assert (resolved["stream_enabled"], resolved["stream_view_type"]) == (True, s["stream"]["view_type"])
    if s["ttl"]["attribute_name"]:
        assert resolved["ttl"]["attribute_name"] == s["ttl"]["attribute_name"]
    replicas = sorted(r["region_name"] for r in s["replicas"] or [])
    assert sorted(r["region_name"] for r in _list(resolved.get("replica"))) == replicas
    address_variant = "autoscaled" if facts.is_autoscaled(s) else "this"
    assert resolved.get("count", 1) == 1, address_variant


def _list(value: Any) -> list[Any]:
    """tf-resolve gives one nested block as an object and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
