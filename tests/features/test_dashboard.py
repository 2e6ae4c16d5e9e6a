"""The CloudWatch dashboard: its widgets (capacity, throttles, errors, latency), their metrics and dimensions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dyngen.features import alarms
from dyngen.hcl import unquote
from tests.helpers import MINIMAL, module_text, parse_hcl, resources
from tests.tools import external_checks

DASHBOARD = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
  customer_id: S
global_secondary_indexes:
  - name: by-customer
    hash_key: customer_id
    projection_type: ALL
settings:
  region: eu-west-1
  dashboard: true
environments:
  dev:
    dashboard: false
  prod:
    billing_mode: PROVISIONED
    read_capacity: 10
    write_capacity: 10
"""


def _body(files: dict[str, str]) -> dict[str, Any]:
    """The object given to jsonencode, with local.table.name read as "TABLE" and the region as "REGION"."""
    text = files["orders/dashboard.tf"]
    start = text.index("jsonencode(") + len("jsonencode(")
    end = text.index("\n  })\n", start) + len("\n  }")
    literal = text[start:end].replace("local.table.name", '"TABLE"').replace("local.dashboard_region", '"REGION"')
    return _plain(parse_hcl(f"body = {literal}\n")["body"])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and value.startswith('"'):
        return unquote(value)
    return value


def _widgets(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {w["properties"]["title"]: w for w in _body(files)["widgets"]}


def _metrics(widget: dict[str, Any]) -> list[tuple[list[Any], dict[str, Any]]]:
    """Each metric line as (namespace, name, dimension pairs..., without the options) and its options."""
    return [(line[:-1], line[-1]) for line in widget["properties"]["metrics"] if isinstance(line[0], str)]


def test_dashboard_resource_is_gated_and_named_after_the_table(render_yaml) -> None:
    files = render_yaml(DASHBOARD)
    main = parse_hcl(files["orders/dashboard.tf"])
    body = resources(main, "aws_cloudwatch_dashboard")["this"]
    assert body["count"] == "${var.dashboard_enabled ? 1 : 0}"
    assert body["dashboard_name"] == '"dynamodb-${substr(replace(var.table_name, ".", "_"), 0, 246)}"'
    assert body["dashboard_body"].startswith("${jsonencode({")
    regions = [block["dashboard_region"] for block in main["locals"] if "dashboard_region" in block]
    assert regions == ['${element(split(":", local.table.arn), 3)}']
    assert parse_hcl(files["orders/envs/prod/terraform.tfvars"])["dashboard_enabled"] is True
    assert parse_hcl(files["orders/envs/dev/terraform.tfvars"])["dashboard_enabled"] is False
    outputs = {
        name.strip('"'): o for block in parse_hcl(files["orders/outputs.tf"])["output"] for name, o in block.items()
    }
    assert outputs["dashboard_arn"]["value"] == "${one(aws_cloudwatch_dashboard.this[*].dashboard_arn)}"


def test_widgets_cover_capacity_throttles_errors_and_latency(render_yaml) -> None:
    widgets = _widgets(render_yaml(DASHBOARD))
    assert sorted(widgets) == sorted([
        "Read capacity (consumed vs provisioned)", "Write capacity (consumed vs provisioned)",
        "Throttled requests", "Errors", "Successful request latency (ms)",
    ])
    for widget in widgets.values():
        assert widget["type"] == "metric"
        assert widget["properties"]["region"] == "REGION"
        assert widget["properties"]["view"] == "timeSeries"
    positions = {(w["x"], w["y"]) for w in widgets.values()}
    assert len(positions) == len(widgets)  # no two widgets on top of each other


def test_capacity_widgets_show_consumed_per_second_against_provisioned(render_yaml) -> None:
    widgets = _widgets(render_yaml(DASHBOARD))
    for direction, title in (("read", "Read"), ("write", "Write")):
        widget = widgets[f"{title} capacity (consumed vs provisioned)"]
        metrics = _metrics(widget)
        assert metrics[0] == (["AWS/DynamoDB", f"Consumed{title}CapacityUnits", "TableName", "TABLE"],
                              {"stat": "Sum", "label": f"Consumed{title}CapacityUnits", "id": f"consumed_{direction}",
                               "visible": False})
        assert metrics[1][0] == ["AWS/DynamoDB", f"Provisioned{title}CapacityUnits", "TableName", "TABLE"]
        (expression,) = [line[0] for line in widget["properties"]["metrics"] if isinstance(line[0], dict)]
        assert expression["expression"] == f"consumed_{direction} / PERIOD(consumed_{direction})"


def test_on_demand_spec_has_no_provisioned_capacity_line(render_yaml) -> None:
    widgets = _widgets(render_yaml(DASHBOARD.split("    billing_mode: PROVISIONED")[0] + "    dashboard: true\n"))
    lines = [m for m, _ in _metrics(widgets["Read capacity (consumed vs provisioned)"])]
    assert lines == [["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "TABLE"]]


def test_metric_names_and_dimensions_are_the_published_ones(render_yaml) -> None:
    files = render_yaml(DASHBOARD)
    widgets = _widgets(files)
    assert "ReadThrottledEvents" not in files["orders/dashboard.tf"]
    assert [m for m, _ in _metrics(widgets["Throttled requests"])] == [
        ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", "TABLE"],
        ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", "TABLE", "GlobalSecondaryIndexName", "by-customer"],
        ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", "TABLE"],
        ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", "TABLE", "GlobalSecondaryIndexName", "by-customer"],
    ]
    errors = [m for m, _ in _metrics(widgets["Errors"])]
    system = [["AWS/DynamoDB", "SystemErrors", "TableName", "TABLE", "Operation", op] for op in alarms.OPERATIONS]
    # UserErrors is published per account and region: no TableName dimension
    assert errors == system + [["AWS/DynamoDB", "UserErrors"]]
    assert [m for m, _ in _metrics(widgets["Successful request latency (ms)"])] == [
        ["AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", "TABLE", "Operation", op]
        for op in ("GetItem", "Query", "PutItem")
    ]
    assert {o["stat"] for _, o in _metrics(widgets["Successful request latency (ms)"])} == {"Average"}


def test_spec_without_dashboard_renders_none_of_its_machinery(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    assert not resources(parse_hcl(module_text(files)), "aws_cloudwatch_dashboard")
    for text in files.values():
        assert "dashboard" not in text


def test_rendered_tree_passes_the_tools(render_yaml, tmp_path: Path) -> None:
    external_checks(render_yaml(DASHBOARD), tmp_path)
