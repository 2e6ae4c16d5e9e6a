"""Issue 13's capabilities of provider 6.x, end to end: per-index autoscaling bounds, warm throughput, per-index
on-demand limits, point-in-time restore, contributor insights mode, table timeouts, the resource-based policy and
the Kinesis destination. Each is rendered, parsed back, checked by the external tools and planned and applied by a
real Terraform (tf-plan) from specs/analytics-events.yaml; changes a live table can take are replayed against the
state of the version before (0 to destroy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from dyngen.render import render_spec
from tests import helpers
from tests.helpers import REPO, module_text, parse_hcl, resources, spec_from_yaml
from tests.tools import external_checks, tf_plan, write_tree

Render = Callable[[str], dict[str, str]]
EXAMPLE = (REPO / "specs" / "analytics-events.yaml").read_text(encoding="utf-8")
ENVIRONMENTS = ("drill", "prod", "staging")

SMALL = """
version: 1
name: events
hash_key: id
attributes: {{id: S, user_id: S}}
global_secondary_indexes:
  - {{name: by-user, hash_key: user_id, projection_type: ALL}}
settings:
  region: eu-west-1
environments:
  prod: {prod}
"""


def small(prod: str) -> str:
    return SMALL.format(prod=prod)


def tfvars(files: dict[str, str], env: str, spec: str = "analytics-events") -> dict[str, Any]:
    return helpers.tfvars(files, env, spec)


def feature_tf(files: dict[str, str], feature: str, spec: str = "analytics-events") -> dict[str, Any]:
    return parse_hcl(files[f"{spec}/{feature}.tf"])


# --- the planned values of the example's three environments (one tf-plan run for all tests) ------------------------


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("analytics")
    write_tree(render_spec(spec_from_yaml(EXAMPLE, "specs/analytics-events.yaml")), folder)
    roots = [folder / "analytics-events" / "envs" / env for env in ENVIRONMENTS]
    report = tf_plan(*roots, tmp=folder)
    for root in roots:
        assert report[str(root)]["diagnostics"] == [] and report[str(root)]["converged"], report["_run"].stdout
    return {env: report[str(root)] for env, root in zip(ENVIRONMENTS, roots)}


def changes(result: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """{address: planned values} of one resource type."""
    return {rc["address"]: rc["change"]["after"] for rc in result["plan"]["resource_changes"] if rc["type"] == resource_type}


def state_resources(result: dict[str, Any], resource_type: str) -> Iterator[dict[str, Any]]:
    def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    yield from (r for r in walk(result["state"]["values"]["root_module"]) if r["type"] == resource_type)


def the_table(result: dict[str, Any]) -> dict[str, Any]:
    [table] = changes(result, "aws_dynamodb_table").values()
    return table


def gsi(table: dict[str, Any], name: str) -> dict[str, Any]:
    return next(index for index in table["global_secondary_index"] if index["name"] == name)


def test_example_passes_the_external_checks(render_yaml: Render, tmp_path: Path) -> None:
    external_checks(render_yaml(EXAMPLE), tmp_path)


# --- 1. per-index autoscaling bounds --------------------------------------------------------------------------------


def test_index_bounds_merge_over_the_shared_ones(render_yaml: Render) -> None:
    bounds = tfvars(render_yaml(EXAMPLE), "prod")["autoscaling_index_bounds"]
    assert bounds["by-user"]["read"] == {"min_capacity": 50, "max_capacity": 4000, "target_utilization": 70}
    assert bounds["by-user"]["write"] == {"min_capacity": 10, "max_capacity": 500, "target_utilization": 70}
    assert bounds["by-day"]["read"] == {"min_capacity": 10, "max_capacity": 50, "target_utilization": 70}
    target = resources(feature_tf(render_yaml(EXAMPLE), "autoscaling"), "aws_appautoscaling_target")["index_read"]
    assert target["min_capacity"] == (
        "${try(var.autoscaling_index_bounds[each.key].read.min_capacity, var.autoscaling_read_min_capacity)}")


def test_spec_without_overrides_keeps_the_shared_index_bounds(render_yaml: Render) -> None:
    files = render_yaml(small("{billing_mode: PROVISIONED, autoscaling: {enabled: true, read: {min_capacity: 5, "
                              "max_capacity: 50}, write: {min_capacity: 5, max_capacity: 50}}}"))
    assert "autoscaling_index_bounds" not in module_text(files, "events") + files["events/variables.tf"]


SHARED_BOUNDS = ("billing_mode: PROVISIONED, autoscaling: {{enabled: true, "
                 "read: {{min_capacity: 5, max_capacity: 50, target_utilization: 50}}, "
                 "write: {{min_capacity: 5, max_capacity: 50, target_utilization: 40}}, index_overrides: {overrides}}}")


def test_an_index_keeps_the_shared_target_it_leaves_out(render_yaml: Render) -> None:
    """The index's bounds had a schema default target of 70, which replaced the shared 50 it should keep."""
    files = render_yaml(small("{" + SHARED_BOUNDS.format(overrides="{by-user: {read: {min_capacity: 10}}}") + "}"))
    assert tfvars(files, "prod", "events")["autoscaling_index_bounds"] == {"by-user": {
        "read": {"min_capacity": 10, "max_capacity": 50, "target_utilization": 50},
        "write": {"min_capacity": 5, "max_capacity": 50, "target_utilization": 40},
    }}


def test_an_override_of_nulls_renders_as_none(render_yaml: Render) -> None:
    nulls = render_yaml(small("{" + SHARED_BOUNDS.format(
        overrides="{by-user: {read: null, write: {target_utilization: null}}}") + "}"))
    assert nulls == render_yaml(small("{" + SHARED_BOUNDS.format(overrides="{}") + "}"))
    assert "autoscaling_index_bounds" not in nulls["events/variables.tf"]


def test_planned_index_targets_have_their_own_bounds(planned: dict[str, Any]) -> None:
    targets = changes(planned["prod"], "aws_appautoscaling_target")
    read = {address.split('"')[1]: (v["min_capacity"], v["max_capacity"])
            for address, v in targets.items() if ".index_read[" in address}
    assert read == {"by-user": (50, 4000), "by-day": (10, 50)}
    [table_read] = [v for address, v in targets.items() if address.endswith("table_read[0]")]
    assert (table_read["min_capacity"], table_read["max_capacity"]) == (10, 500)


# --- 2. warm throughput ---------------------------------------------------------------------------------------------


def test_warm_throughput_of_table_and_index_are_planned(planned: dict[str, Any]) -> None:
    table = the_table(planned["staging"])
    assert table["warm_throughput"] == [{"read_units_per_second": 20000, "write_units_per_second": 8000}]
    [index_warm] = gsi(table, "by-user")["warm_throughput"]
    assert index_warm["read_units_per_second"] == 15000  # the write value is left to DynamoDB (unknown until applied)
    assert gsi(table, "by-day")["warm_throughput"] == []
    assert the_table(planned["drill"])["warm_throughput"] == []


def test_warm_throughput_needs_provider_6_13(render_yaml: Render) -> None:
    files = render_yaml(small("{warm_throughput: {read_units_per_second: 30000}}"))
    assert '">= 6.13.0, < 7.0.0"' in files["events/versions.tf"]
    assert parse_hcl(files["events/envs/prod/terraform.tfvars"])["warm_throughput"] == {"read_units_per_second": 30000}


def test_raising_warm_throughput_updates_the_table_in_place(tmp_path: Path) -> None:
    before = small("{warm_throughput: {read_units_per_second: 20000, write_units_per_second: 8000}}")
    after = small("{warm_throughput: {read_units_per_second: 40000, write_units_per_second: 10000}, "
                  "index_warm_throughput: {by-user: {read_units_per_second: 20000}}}")
    counts, table = replay(before, after, tmp_path)
    assert counts == (0, 1, 0), counts
    assert table["warm_throughput"] == [{"read_units_per_second": 40000, "write_units_per_second": 10000}]


# --- 3. per-index on-demand limits ----------------------------------------------------------------------------------


def test_index_on_demand_limits_are_planned(planned: dict[str, Any]) -> None:
    table = the_table(planned["staging"])
    assert gsi(table, "by-day")["on_demand_throughput"] == [{"max_read_request_units": 200, "max_write_request_units": 400}]
    assert gsi(table, "by-user")["on_demand_throughput"] == []


# --- 4. restore from a point in time --------------------------------------------------------------------------------


def test_restore_acts_only_at_creation(render_yaml: Render, planned: dict[str, Any]) -> None:
    table = the_table(planned["drill"])
    assert (table["restore_source_name"], table["restore_to_latest_time"]) == ("shop-prod-analytics-events", True)
    assert the_table(planned["prod"])["restore_source_name"] is None
    for body in resources(feature_tf(render_yaml(EXAMPLE), "table"), "aws_dynamodb_table").values():
        ignored = set(body["lifecycle"][0]["ignore_changes"])
        assert {"restore_source_name", "restore_source_table_arn", "restore_date_time", "restore_to_latest_time"} <= ignored


# --- 5. contributor insights mode -----------------------------------------------------------------------------------


def test_contributor_insights_mode_is_planned_for_table_and_indexes(planned: dict[str, Any]) -> None:
    insights = changes(planned["prod"], "aws_dynamodb_contributor_insights")
    assert len(insights) == 3 and {v["mode"] for v in insights.values()} == {"THROTTLED_KEYS"}


def test_without_a_mode_nothing_changes(render_yaml: Render) -> None:
    files = render_yaml(small("{contributor_insights: true}"))
    insights = resources(feature_tf(files, "contributor_insights", "events"), "aws_dynamodb_contributor_insights")
    assert insights and all("mode" not in body for body in insights.values())
    assert "contributor_insights_mode" not in files["events/variables.tf"]


# --- 6. table timeouts ----------------------------------------------------------------------------------------------


def test_timeouts_are_planned(planned: dict[str, Any]) -> None:
    assert the_table(planned["prod"])["timeouts"] == {"create": "60m", "update": "4h", "delete": None}


# --- 7. resource-based policy ---------------------------------------------------------------------------------------


def test_resource_policy_grants_readers_and_writers_and_denies_plain_http(planned: dict[str, Any]) -> None:
    [policy] = state_resources(planned["staging"], "aws_dynamodb_resource_policy")
    [table] = state_resources(planned["staging"], "aws_dynamodb_table")
    assert policy["values"]["resource_arn"] == table["values"]["arn"]
    statements = {s["Sid"]: s for s in json.loads(policy["values"]["policy"])["Statement"]}
    assert set(statements) == {"CrossAccountRead", "CrossAccountReadWrite", "DenyInsecureTransport"}
    arn = table["values"]["arn"]
    assert sorted(statements["CrossAccountRead"]["Resource"]) == [arn, f"{arn}/index/*"]
    assert statements["CrossAccountRead"]["Principal"] == {"AWS": "210987654321"}
    assert "dynamodb:PutItem" not in statements["CrossAccountRead"]["Action"]
    assert "dynamodb:PutItem" in statements["CrossAccountReadWrite"]["Action"]
    deny = statements["DenyInsecureTransport"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "dynamodb:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert not list(state_resources(planned["drill"], "aws_dynamodb_resource_policy"))


def test_adding_a_resource_policy_keeps_the_table(tmp_path: Path) -> None:
    before = small("{encryption: {enabled: false}}")
    after = small("{encryption: {enabled: false}, resource_policy: {enabled: true, readers: ['210987654321']}}")
    counts, _ = replay(before, after, tmp_path)
    assert counts == (1, 0, 0), counts


# --- 8. Kinesis Data Streams destination ----------------------------------------------------------------------------


def test_kinesis_destination_is_planned(planned: dict[str, Any]) -> None:
    [destination] = changes(planned["prod"], "aws_dynamodb_kinesis_streaming_destination").values()
    assert destination["stream_arn"] == "arn:aws:kinesis:eu-west-1:123456789012:stream/analytics-events"
    assert destination["approximate_creation_date_time_precision"] == "MICROSECOND"
    assert not changes(planned["drill"], "aws_dynamodb_kinesis_streaming_destination")


def test_kinesis_variables_validate_from_the_schema(render_yaml: Render) -> None:
    text = render_yaml(EXAMPLE)["analytics-events/variables.tf"]
    assert 'contains(["MILLISECOND", "MICROSECOND"]' in text


# --- replays: the older version applied, the newer one planned against its state ---------------------------------------


def replay(before: str, after: str, folder: Path) -> tuple[tuple[int, int, int], dict[str, Any]]:
    """Apply `before`, plan and apply `after` from its state; (add, change, destroy) of that plan and the table."""
    state = folder / "before.tfstate"
    old = write_tree(render_spec(spec_from_yaml(before)), folder / "old") / "events" / "envs" / "prod"
    first = tf_plan(old, extra=("--save-state", str(state)), tmp=folder)
    assert first[str(old)]["converged"], first["_run"].stdout
    new = write_tree(render_spec(spec_from_yaml(after)), folder / "new") / "events" / "envs" / "prod"
    second = tf_plan(new, extra=("--state", str(state)), tmp=folder)
    result = second[str(new)]
    assert result["converged"], second["_run"].stdout
    counts = result["counts"]
    print(second["_run"].stdout.strip().splitlines()[-2])  # the summary line, kept for the report (pytest -s)
    return (counts["add"], counts["change"], counts["remove"]), the_table(result)
