"""`dyngen explain`: where each resolved value came from (default, profile, settings, environment, a null that
unsets), exactly located; the derived facts; the JSON shape; the CLI; and the resource counts against real Terraform."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dyngen.cli import main
from dyngen.explain import as_json, explain
from dyngen.render import render_spec
from dyngen.resolve import resolve_data
from dyngen.resources import module_resources
from tests.helpers import REPO, spec_from_yaml
from tests.tools import require, tf_plan, write_tree

SPEC = """\
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
settings:
  region: eu-west-1
  ttl: {enabled: true, attribute_name: expires_at}
  stream:
    enabled: true
  backend:
    s3: {bucket: shop-state}
environments:
  dev:
    profile: development
    stream:
      view_type: KEYS_ONLY
  prod:
    profile: production
    ttl: null
    backup:
      delete_after_days: 400
"""


def position(text: str, line_text: str, value: str) -> tuple[int, int]:
    """(line, column) of `value` on the first line holding `line_text`, 1-based."""
    for number, line in enumerate(text.splitlines(), 1):
        if line_text in line:
            return number, line.index(value, line.index(line_text)) + 1
    raise AssertionError(line_text)


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def settings_of(explanation: Any, env: str) -> dict[str, Any]:
    found = next(e for e in explanation.environments if e.env == env)
    return {".".join(map(str, s.path)): s for s in found.settings}


def test_each_layer_is_named_with_its_exact_position(spec_file: Path) -> None:
    explanation = explain(spec_file, ["prod", "dev"])
    assert [e.env for e in explanation.environments] == ["prod", "dev"]  # in the order asked
    file = str(spec_file)
    prod, dev = settings_of(explanation, "prod"), settings_of(explanation, "dev")

    region = prod["region"].origin
    assert (region.kind, region.layer, region.file) == ("settings", "settings", file)
    assert region.position == position(SPEC, "region: eu-west-1", "eu-west-1")
    assert region.describe() == f"settings at {file}:{region.position[0]}:{region.position[1]}"

    own = prod["backup.delete_after_days"]
    assert (own.value, own.origin.layer) == (400, "environments.prod")
    assert own.origin.position == position(SPEC, "delete_after_days: 400", "400")

    profile = prod["backup.cold_storage_after_days"].origin
    assert (profile.kind, profile.layer) == ("profile", "profile production")
    assert profile.position == position(SPEC, "profile: production", "production")
    assert profile.describe().startswith("profile production (chosen at ")

    assert prod["backup.schedule"].origin.kind == "default"  # the profile sets what differs from the defaults only
    default = dev["alarms.period_seconds"].origin
    assert (default.kind, default.position, default.describe()) == ("default", None, "dyngen default")
    lockfile = prod["backend.s3.use_lockfile"]  # a default inside an object the user wrote
    assert (lockfile.value, lockfile.origin.kind) == (True, "default")

    unset = prod["ttl"]  # an environment's null unsets what settings enabled
    assert (unset.value, unset.origin.layer) == (None, "environments.prod")
    assert unset.origin.position == position(SPEC, "ttl: null", "null")
    assert dev["ttl.attribute_name"].origin.layer == "settings"

    merged = dev["stream.view_type"], dev["stream.enabled"]  # one object, two layers
    assert [s.origin.layer for s in merged] == ["environments.dev", "settings"]


def test_a_profile_value_the_settings_override_is_theirs() -> None:
    data = {"version": 1, "name": "t", "hash_key": "k", "attributes": {"k": "S"},
            "settings": {"profile": "production", "deletion_protection": False}, "environments": {"prod": {}}}
    resolved = resolve_data(data).environments["prod"]
    assert resolved.settings["deletion_protection"] is False
    assert resolved.origin(("deletion_protection",)).layer == "settings"
    assert resolved.origin(("point_in_time_recovery", "recovery_period_days")).layer == "profile production"


def test_a_null_object_hides_the_lower_layers_below_it() -> None:
    """settings `backup: null` under an environment that writes backup again: the profile's cold storage is gone;
    the keys the environment leaves out are the schema's defaults, not the profile's."""
    data = {"version": 1, "name": "t", "hash_key": "k", "attributes": {"k": "S"},
            "settings": {"profile": "production", "backup": None},
            "environments": {"p": {"backup": {"enabled": True, "delete_after_days": 200}}}}
    resolved = resolve_data(data).environments["p"]
    assert resolved.origin(("backup", "enabled")).layer == "environments.p"
    assert "cold_storage_after_days" not in resolved.settings["backup"]
    assert resolved.origin(("backup", "cold_storage_after_days")).kind == "default"
    assert resolved.origin(("backup", "schedule")).kind == "default"


def test_derived_facts(spec_file: Path) -> None:
    explanation = explain(spec_file)
    prod = next(e for e in explanation.environments if e.env == "prod")
    assert prod.table_name == "shop-prod-orders"
    assert prod.table_address == "module.table.aws_dynamodb_table.this[0]"
    assert prod.profile == "production" and prod.region == "eu-west-1"
    assert prod.backend == {"type": "s3", "bucket": "shop-state", "key": "dynamodb/orders/prod/terraform.tfstate",
                            "region": "eu-west-1", "encrypt": True, "use_lockfile": True}
    counts = {r.address: r.count for r in prod.resources}
    assert counts["aws_dynamodb_table.this"] == 1 and counts["aws_backup_plan.this"] == 1
    assert counts["aws_kms_key.this"] == 1  # the production profile creates a key
    dev = next(e for e in explanation.environments if e.env == "dev")
    assert {r.address for r in dev.resources} == {"aws_dynamodb_table.this"}  # the rest counts 0 there


def test_autoscaled_table_address() -> None:
    explanation = explain(REPO / "specs" / "leaderboard.yaml")
    assert explanation.environments[0].table_address == "module.table.aws_dynamodb_table.autoscaled[0]"


def test_json_shape(spec_file: Path) -> None:
    document = as_json(explain(spec_file, ["prod"]))
    assert set(document) == {"version", "spec", "file", "environments"}
    env = document["environments"][0]
    assert set(env) == {"name", "profile", "table_name", "table_address", "region", "backend", "resources", "settings"}
    assert set(env["resources"][0]) == {"address", "type", "name", "count"}
    by_path = {s["path"]: s for s in env["settings"]}
    line, column = position(SPEC, "delete_after_days: 400", "400")
    assert by_path["backup.delete_after_days"] == {
        "path": "backup.delete_after_days", "value": 400,
        "origin": {"kind": "environment", "layer": "environments.prod", "file": str(spec_file), "line": line,
                   "column": column},
    }
    assert by_path["alarms.period_seconds"]["origin"] == {"kind": "default", "layer": "default", "file": None,
                                                         "line": None, "column": None}
    json.dumps(document)  # plain JSON all through


def test_list_items_are_paths_of_their_own() -> None:
    document = as_json(explain(REPO / "specs" / "global-orders.yaml", ["prod"]))
    paths = {s["path"]: s for s in document["environments"][0]["settings"]}
    replica = next(p for p in paths if p.startswith("replicas[0]."))
    assert paths[replica]["origin"]["kind"] in ("settings", "environment", "default")
    assert paths["replicas[0].region_name"]["origin"]["line"] is not None


def test_cli_text(spec_file: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(spec_file), "prod"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"orders ({spec_file})"
    assert "environment prod (profile production)" in lines
    assert "  table name      shop-prod-orders" in lines
    line, column = position(SPEC, "delete_after_days: 400", "400")
    row = next(x for x in lines if x.strip().startswith("delete_after_days"))
    assert row.split()[1:] == ["400", "environments.prod", "at", f"{spec_file}:{line}:{column}"]
    rows = [x for x in lines if x.startswith("      ") and "dyngen default" in x]
    assert len({x.index("dyngen default") for x in rows}) == 1  # the origin column is aligned


def test_cli_json(spec_file: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(spec_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [e["name"] for e in json.loads(result.output)["environments"]] == ["dev", "prod"]


def test_cli_invalid_spec_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SPEC.replace("region: eu-west-1", "region: moon-1"), encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(path)])
    assert result.exit_code == 1
    line, column = position(SPEC, "region: eu-west-1", "eu-west-1")
    assert result.output.startswith(f"{path}:{line}:{column}: error: ")


def test_cli_unknown_environment(spec_file: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(spec_file), "qa"])
    assert result.exit_code == 2
    assert "has no environment `qa` (it has: dev, prod)" in result.output


@pytest.mark.parametrize("spec", sorted(p.name for p in (REPO / "specs").glob("*.yaml")))
def test_every_count_of_the_examples_is_known(spec: str) -> None:
    for env in explain(REPO / "specs" / spec).environments:
        assert all(r.count is not None for r in env.resources), [r for r in env.resources if r.count is None]


@pytest.mark.parametrize(("name", "env"), [("global-orders", "prod"), ("user-sessions", "production")])
def test_counts_agree_with_terraform(tmp_path: Path, name: str, env: str) -> None:
    """What explain counts is what Terraform plans, resource by resource (roots with keys, replicas, backup,
    contributor insights; autoscaled indexes and alarms)."""
    require("tf-plan")
    path = REPO / "specs" / f"{name}.yaml"
    spec = spec_from_yaml(path.read_text(encoding="utf-8"), f"specs/{name}.yaml")
    write_tree(render_spec(spec), tmp_path / "out")
    root = tmp_path / "out" / spec.name / "envs" / env
    report = tf_plan(root, apply=False, tmp=tmp_path)
    planned = _planned(report, str(root))
    counted = {r.address: r.count for r in explain(path, [env]).environments[0].resources}
    assert counted == planned


def _planned(report: dict[str, Any], root: str) -> dict[str, int]:
    found: Counter[str] = Counter()
    for change in report[root]["plan"]["resource_changes"]:
        created = "create" in change["change"]["actions"]
        if change["mode"] == "managed" and change["module_address"] == "module.table" and created:
            found[f"{change['type']}.{change['name']}"] += 1
    return dict(found)


MODULE = '''\
resource "aws_a" "plain" {
  name = "x"
}

resource "aws_b" "flag" {
  count = var.on && var.limit != null ? 1 : 0
}

resource "aws_c" "each" {
  for_each = var.on ? toset([for r in var.replicas : r.region_name if r.kms_key_arn == null]) : toset([])
}

resource "aws_d" "follows" {
  for_each = aws_c.each
}

resource "aws_e" "opaque" {
  count = length(data.aws_x.y.ids)
}
'''


def test_resource_counts_read_the_tfvars_and_leave_the_rest_unknown() -> None:
    replicas = [{"region_name": "a", "kms_key_arn": None}, {"region_name": "b", "kms_key_arn": "k"}]
    tfvars = {"on": True, "limit": 3, "replicas": replicas}
    on = {r.address: r.count for r in module_resources({"m/main.tf": MODULE}, tfvars)}
    assert on == {"aws_a.plain": 1, "aws_b.flag": 1, "aws_c.each": 1, "aws_d.follows": 1, "aws_e.opaque": None}
    off = {r.address: r.count for r in module_resources({"m/main.tf": MODULE}, {"on": False, "replicas": replicas})}
    assert off == {"aws_a.plain": 1, "aws_b.flag": 0, "aws_c.each": 0, "aws_d.follows": 0, "aws_e.opaque": None}
