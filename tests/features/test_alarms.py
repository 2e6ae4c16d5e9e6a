"""CloudWatch alarms: metric names and dimensions exactly as DynamoDB publishes them, actions, gating, variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dyngen.features import alarms
from dyngen.hcl import unquote
from tests.helpers import MINIMAL, module_text, parse_hcl, resources, tfvars
from tests.tools import assert_external_checks_pass, write_tree

TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall"

# dev: alarms off; staging: on demand, replicated, no topic; prod: provisioned, no UserErrors alarm, 60 s periods.
ALARMS = f"""
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
  customer_id: S
  status: S
global_secondary_indexes:
  - name: by-customer
    hash_key: customer_id
    projection_type: ALL
  - name: by-status
    hash_key: status
    projection_type: KEYS_ONLY
settings:
  region: eu-west-1
  stream: {{enabled: true, view_type: NEW_AND_OLD_IMAGES}}
  alarms:
    enabled: true
    sns_topic_arn: "{TOPIC}"
    user_errors_threshold: 50
environments:
  dev:
    alarms: {{enabled: false}}
  staging:
    alarms: {{sns_topic_arn: null}}
    replicas:
      - region_name: us-east-1
      - region_name: ap-southeast-2
  prod:
    billing_mode: PROVISIONED
    read_capacity: 10
    write_capacity: 10
    alarms:
      user_errors_threshold: null
      period_seconds: 60
      evaluation_periods: 3
"""

# Provisioned in one environment, on demand in the other, without replicas.
NO_REPLICAS = """
version: 1
name: orders
hash_key: order_id
attributes:
  order_id: S
  customer_id: S
global_secondary_indexes:
  - name: by-customer
    hash_key: customer_id
    projection_type: ALL
settings:
  alarms: {enabled: true, sns_topic_arn: "arn:aws:sns:eu-west-1:123456789012:oncall"}
environments:
  dev: {billing_mode: PAY_PER_REQUEST}
  prod: {billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5}
"""


def _alarms(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return resources(parse_hcl(files["orders/alarms.tf"]), "aws_cloudwatch_metric_alarm")


def _dimensions(body: dict[str, Any]) -> dict[str, str]:
    return dict(body["dimensions"])


def test_throttle_alarms_use_the_published_metric_names_for_table_and_each_index(render_yaml) -> None:
    files = render_yaml(ALARMS)
    found = _alarms(files)
    assert "ReadThrottledEvents" not in files["orders/alarms.tf"]  # seed 003's misspelling
    for direction, metric in (("read", "ReadThrottleEvents"), ("write", "WriteThrottleEvents")):
        table = found[f"table_{direction}_throttle_events"]
        assert unquote(table["namespace"]) == "AWS/DynamoDB"
        assert unquote(table["metric_name"]) == metric
        assert unquote(table["statistic"]) == "Sum"
        assert _dimensions(table) == {"TableName": "${local.table.name}"}
        assert table["count"] == f"${{var.alarms_enabled && var.alarm_{direction}_throttle_threshold != null ? 1 : 0}}"
        assert table["threshold"] == f"${{var.alarm_{direction}_throttle_threshold}}"
        assert table["alarm_name"] == f'"${{var.table_name}}-{direction}-throttle-events"'

        index = found[f"index_{direction}_throttle_events"]
        assert unquote(index["metric_name"]) == metric
        assert _dimensions(index) == {"TableName": "${local.table.name}", "GlobalSecondaryIndexName": "${each.key}"}
        assert index["for_each"] == (f'${{var.alarms_enabled && var.alarm_{direction}_throttle_threshold != null ? '
                                     f'toset(["by-customer", "by-status"]) : toset([])}}')


def test_system_errors_is_one_metric_math_alarm_over_the_operations(render_yaml) -> None:
    body = _alarms(render_yaml(ALARMS))["system_errors"]
    assert "metric_name" not in body and "dimensions" not in body  # metric math: the metrics are in metric_query
    (dynamic,) = body["dynamic"]
    per_operation = dynamic['"metric_query"']
    operations = ", ".join(f'"{op}"' for op in alarms.OPERATIONS)
    assert per_operation["for_each"] == f"${{toset([{operations}])}}"
    assert len(alarms.OPERATIONS) == 10  # CloudWatch's limit of metrics in one metric-math alarm
    (content,) = per_operation["content"]
    assert content["return_data"] is False
    (metric,) = content["metric"]
    assert unquote(metric["namespace"]) == "AWS/DynamoDB"
    assert unquote(metric["metric_name"]) == "SystemErrors"
    assert unquote(metric["stat"]) == "Sum"
    assert dict(metric["dimensions"]) == {"TableName": "${local.table.name}", "Operation": "${metric_query.value}"}
    (total,) = body["metric_query"]
    assert total["return_data"] is True
    assert unquote(total["expression"]) == "SUM(FILL(METRICS(), 0))"
    assert body["threshold"] == "${var.alarm_system_errors_threshold}"


def test_latency_alarms_have_an_operation_dimension(render_yaml) -> None:
    body = _alarms(render_yaml(ALARMS))["successful_request_latency"]
    assert unquote(body["metric_name"]) == "SuccessfulRequestLatency"
    assert unquote(body["statistic"]) == "Average"
    assert _dimensions(body) == {"TableName": "${local.table.name}", "Operation": "${each.key}"}
    assert body["for_each"] == ('${var.alarms_enabled && var.alarm_latency_threshold_ms != null ? '
                                'toset(["GetItem", "Query", "PutItem"]) : toset([])}')
    assert body["threshold"] == "${var.alarm_latency_threshold_ms}"


def test_user_errors_is_an_account_level_alarm_without_dimensions(render_yaml) -> None:
    body = _alarms(render_yaml(ALARMS))["account_user_errors"]
    assert unquote(body["metric_name"]) == "UserErrors"
    assert "dimensions" not in body  # UserErrors has no TableName dimension: a per-table alarm would never fire
    assert "Account-level alarm" in body["alarm_description"]
    assert "without a TableName dimension" in body["alarm_description"]


def test_user_errors_alarm_is_left_out_when_no_environment_sets_its_threshold(render_yaml) -> None:
    files = render_yaml(ALARMS.replace("    user_errors_threshold: 50\n", ""))
    assert "account_user_errors" not in _alarms(files)
    assert 'variable "alarm_user_errors_threshold"' not in files["orders/variables.tf"]


def test_consumed_capacity_alarms_compare_consumed_with_provisioned(render_yaml) -> None:
    found = _alarms(render_yaml(ALARMS))
    for direction, title in (("read", "Read"), ("write", "Write")):
        body = found[f"consumed_{direction}_capacity"]
        assert body["count"] == ('${var.alarms_enabled && var.alarm_consumed_capacity_threshold_percent != null && '
                                 'var.billing_mode == "PROVISIONED" ? 1 : 0}')
        queries = {unquote(q["id"]): q for q in body["metric_query"]}
        consumed, = queries["consumed"]["metric"]
        provisioned, = queries["provisioned"]["metric"]
        assert unquote(consumed["metric_name"]) == f"Consumed{title}CapacityUnits"
        assert unquote(consumed["stat"]) == "Sum"
        assert unquote(provisioned["metric_name"]) == f"Provisioned{title}CapacityUnits"
        assert unquote(provisioned["stat"]) == "Average"
        for metric in (consumed, provisioned):
            assert dict(metric["dimensions"]) == {"TableName": "${local.table.name}"}
        assert unquote(queries["utilization"]["expression"]) == "100 * (consumed / PERIOD(consumed)) / provisioned"
        assert queries["utilization"]["return_data"] is True
        assert [q["return_data"] for q in (queries["consumed"], queries["provisioned"])] == [False, False]


def test_replication_latency_alarm_per_replica_region(render_yaml) -> None:
    body = _alarms(render_yaml(ALARMS))["replication_latency"]
    assert unquote(body["metric_name"]) == "ReplicationLatency"
    assert unquote(body["statistic"]) == "Average"
    assert _dimensions(body) == {"TableName": "${local.table.name}", "ReceivingRegion": "${each.key}"}
    assert body["for_each"] == ('${var.alarms_enabled && var.alarm_replication_latency_threshold_ms != null ? '
                                'toset([for r in var.replicas : r.region_name]) : toset([])}')


def test_every_alarm_notifies_the_topic_and_treats_missing_data_as_fine(render_yaml) -> None:
    main = parse_hcl(render_yaml(ALARMS)["orders/alarms.tf"])
    found = resources(main, "aws_cloudwatch_metric_alarm")
    assert len(found) == 10  # 4 throttle, system and user errors, latency, 2 capacity, replication
    for name, body in found.items():
        assert unquote(body["treat_missing_data"]) == "notBreaching", name
        assert body["actions_enabled"] is True, name  # checkov CKV_AWS_319
        assert body["alarm_actions"] == body["ok_actions"] == "${local.alarm_actions}", name
        assert body["tags"] == "${var.tags}", name
        assert unquote(body["comparison_operator"]) in ("GreaterThanOrEqualToThreshold", "GreaterThanThreshold")
        assert body["evaluation_periods"] == "${var.alarm_evaluation_periods}", name
        assert body["alarm_name"].startswith('"${var.table_name}-'), name
        assert body["alarm_description"].startswith('"'), name
    actions = [block["alarm_actions"] for block in main["locals"] if "alarm_actions" in block]
    assert actions == ["${var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]}"]


def test_environments_set_their_values_and_leave_out_what_they_do_not_use(render_yaml) -> None:
    files = render_yaml(ALARMS)
    prod = tfvars(files, "prod")
    assert prod["alarms_enabled"] is True
    assert unquote(prod["alarm_sns_topic_arn"]) == TOPIC
    assert prod["alarm_read_throttle_threshold"] == 10
    assert prod["alarm_write_throttle_threshold"] == 10
    assert prod["alarm_system_errors_threshold"] == 5
    assert prod["alarm_latency_threshold_ms"] == 100
    assert prod["alarm_consumed_capacity_threshold_percent"] == 80
    assert tfvars(files, "staging")["alarm_replication_latency_threshold_ms"] == 60000
    assert "alarm_user_errors_threshold" not in prod  # null: that alarm is off in prod
    assert (prod["alarm_period_seconds"], prod["alarm_evaluation_periods"]) == (60, 3)

    staging = tfvars(files, "staging")
    assert staging["alarms_enabled"] is True
    assert "alarm_sns_topic_arn" not in staging
    assert staging["alarm_user_errors_threshold"] == 50
    # on demand: the capacity alarms are off there; prod is not replicated: no replication alarm there
    assert "alarm_consumed_capacity_threshold_percent" not in staging
    assert "alarm_replication_latency_threshold_ms" not in prod

    dev = tfvars(files, "dev")
    assert dev["alarms_enabled"] is False
    assert not [name for name in dev if name.endswith("_threshold") or "threshold_" in name]
    assert (dev["alarm_period_seconds"], dev["alarm_evaluation_periods"]) == (300, 2)


def test_variables_carry_the_schema_rules(render_yaml) -> None:
    variables = {
        name.strip('"'): body
        for block in parse_hcl(render_yaml(ALARMS)["orders/variables.tf"])["variable"]
        for name, body in block.items()
    }
    assert variables["alarms_enabled"]["type"] == "bool"
    for name in ("alarm_sns_topic_arn", "alarm_read_throttle_threshold", "alarm_consumed_capacity_threshold_percent"):
        assert variables[name]["default"] is None
        assert variables[name]["validation"], name
    sns = variables["alarm_sns_topic_arn"]["validation"][0]["condition"]
    assert sns.startswith("${var.alarm_sns_topic_arn == null ? true : can(regex(")
    percent = variables["alarm_consumed_capacity_threshold_percent"]["validation"][0]["condition"]
    assert ">= 1" in percent and "<= 100" in percent
    assert "[60, 300, 900, 3600]" in variables["alarm_period_seconds"]["validation"][0]["condition"]
    assert "default" not in variables["alarm_period_seconds"]


def test_alarm_arns_output_maps_every_alarm(render_yaml) -> None:
    outputs = {
        name.strip('"'): body
        for block in parse_hcl(render_yaml(ALARMS)["orders/outputs.tf"])["output"]
        for name, body in block.items()
    }
    value = outputs["alarm_arns"]["value"]
    for name in _alarms(render_yaml(ALARMS)):
        assert f"{{for a in aws_cloudwatch_metric_alarm.{name} : a.alarm_name => a.arn}}" in value


def test_on_demand_spec_without_replicas_renders_no_capacity_or_replication_alarm(render_yaml) -> None:
    on_demand = "    alarms:\n      user_errors_threshold: null"
    without_replicas = ALARMS.replace("    replicas:\n      - region_name: us-east-1\n      - region_name: ap-southeast-2\n", "")
    files = render_yaml(without_replicas.split("    billing_mode: PROVISIONED")[0] + on_demand)
    found = _alarms(files)
    assert not {"consumed_read_capacity", "consumed_write_capacity", "replication_latency"} & set(found)
    assert "alarm_consumed_capacity_threshold_percent" not in files["orders/variables.tf"]
    assert "alarm_replication_latency_threshold_ms" not in files["orders/variables.tf"]


def test_spec_without_alarms_renders_none_of_their_machinery(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    assert not resources(parse_hcl(module_text(files)), "aws_cloudwatch_metric_alarm")
    for text in files.values():
        assert "alarm" not in text


def test_rendered_tree_passes_the_tools(render_yaml, tmp_path: Path) -> None:
    write_tree(render_yaml(NO_REPLICAS), tmp_path / "plain")
    write_tree(render_yaml(ALARMS), tmp_path / "replicated")
    assert_external_checks_pass(tmp_path)
