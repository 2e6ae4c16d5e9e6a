"""The table resource: shape as literals, settings as variables, and the lifecycle design for autoscaling."""

from __future__ import annotations

import re
from typing import Any, Callable

from dyngen.hcl import unquote
from tests.helpers import module_text, parse_hcl, resources, tfvars

Render = Callable[[str], dict[str, str]]

BASE = """
version: 1
name: orders
project: shop
hash_key: order_id
range_key: created_at
attributes: {order_id: S, created_at: S, customer_id: S, status: S, total: N}
global_secondary_indexes:
  - {name: CustomerIndex, hash_key: customer_id, range_key: created_at, projection_type: INCLUDE, non_key_attributes: [currency]}
  - {name: TotalIndex, hash_key: total, projection_type: KEYS_ONLY}
local_secondary_indexes:
  - {name: StatusIndex, range_key: status, projection_type: ALL}
settings:
  region: eu-west-1
environments:
  staging: {}
  prod:
    billing_mode: PROVISIONED
    read_capacity: 20
    write_capacity: 10
    index_capacity: {CustomerIndex: {read_capacity: 7, write_capacity: 3}}
"""

AUTOSCALED = BASE + """
    autoscaling:
      enabled: true
      read: {min_capacity: 10, max_capacity: 200, target_utilization: 70}
      write: {min_capacity: 5, max_capacity: 100, target_utilization: 60}
"""


def tables(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return resources(parse_hcl(files["orders/table.tf"]), "aws_dynamodb_table")


def test_keys_attributes_and_indexes_are_literals(render_yaml: Render) -> None:
    table = tables(render_yaml(BASE))["this"]
    assert unquote(table["hash_key"]) == "order_id" and unquote(table["range_key"]) == "created_at"
    assert sorted((unquote(a["name"]), unquote(a["type"])) for a in table["attribute"]) == [
        ("created_at", "S"), ("customer_id", "S"), ("order_id", "S"), ("status", "S"), ("total", "N")]
    gsis = {unquote(g["name"]): g for g in table["global_secondary_index"]}
    assert unquote(gsis["CustomerIndex"]["projection_type"]) == "INCLUDE"
    assert [unquote(a) for a in gsis["CustomerIndex"]["non_key_attributes"]] == ["currency"]
    assert "range_key" not in gsis["TotalIndex"] and "non_key_attributes" not in gsis["TotalIndex"]
    lsi = table["local_secondary_index"][0]
    assert (unquote(lsi["name"]), unquote(lsi["range_key"]), unquote(lsi["projection_type"])) == ("StatusIndex", "status", "ALL")


def test_per_environment_capacity_and_billing(render_yaml: Render) -> None:
    files = render_yaml(BASE)
    prod, staging = tfvars(files, "prod"), tfvars(files, "staging")
    assert unquote(prod["billing_mode"]) == "PROVISIONED" and prod["read_capacity"] == 20
    assert prod["index_read_capacity"] == {"CustomerIndex": 7, "TotalIndex": 20}
    assert prod["index_write_capacity"] == {"CustomerIndex": 3, "TotalIndex": 10}
    assert unquote(staging["billing_mode"]) == "PAY_PER_REQUEST"
    assert "read_capacity" not in staging and staging["index_read_capacity"] == {}


def test_no_index_renders_no_index_machinery(render_yaml: Render, minimal_spec_yaml: str) -> None:
    files = render_yaml(minimal_spec_yaml)
    text = module_text(files) + files["orders/variables.tf"]
    for absent in ("global_secondary_index", "local_secondary_index", "index_read_capacity", "range_key",
                   "stream_view_type", "ttl", "replica", "import_table", "on_demand_throughput", "aws_appautoscaling",
                   "var.autoscaling"):
        assert absent not in text, absent


def test_no_empty_string_ever_stands_for_an_unset_argument(render_yaml: Render, minimal_spec_yaml: str) -> None:
    for spec in (minimal_spec_yaml, BASE, AUTOSCALED):
        for path, text in render_yaml(spec).items():
            assert '= ""' not in text, path


def test_an_on_demand_spec_has_one_table_and_ignores_nothing(render_yaml: Render) -> None:
    table = tables(render_yaml(BASE.replace("billing_mode: PROVISIONED", "billing_mode: PAY_PER_REQUEST")
                               .replace("    read_capacity: 20\n    write_capacity: 10\n", "")
                               .replace("    index_capacity: {CustomerIndex: {read_capacity: 7, write_capacity: 3}}\n", "")))
    assert list(table) == ["this"] and table["this"]["count"] == 1  # counted: the address is this[0] from the start
    assert "ignore_changes" not in table["this"]["lifecycle"][0]


def test_a_provisioned_spec_without_autoscaling_is_ready_to_switch_it_on(render_yaml: Render) -> None:
    files = render_yaml(BASE)
    table = tables(files)
    assert sorted(table) == ["autoscaled", "this"]
    assert "ignore_changes" not in table["this"]["lifecycle"][0]
    assert table["autoscaled"]["lifecycle"][0]["ignore_changes"] == ["read_capacity", "write_capacity"]
    assert tfvars(files, "prod")["autoscaling_enabled"] is False


def test_autoscaling_moves_the_table_instead_of_recreating_it(render_yaml: Render) -> None:
    files = render_yaml(AUTOSCALED)
    table = tables(files)
    assert sorted(table) == ["autoscaled", "this"]
    assert table["this"]["count"] == "${var.autoscaling_enabled ? 0 : 1}"
    assert table["autoscaled"]["count"] == "${var.autoscaling_enabled ? 1 : 0}"
    assert "ignore_changes" not in table["this"]["lifecycle"][0]
    ignored = table["autoscaled"]["lifecycle"][0]["ignore_changes"]
    assert ignored == ["read_capacity", "write_capacity", "global_secondary_index"]
    moves = {env: parse_hcl(files[f"orders/envs/{env}/main.tf"])["moved"][0] for env in ("prod", "staging")}
    assert moves["prod"]["from"] == "${module.table.aws_dynamodb_table.this[0]}"
    assert moves["prod"]["to"] == "${module.table.aws_dynamodb_table.autoscaled[0]}"
    assert moves["staging"]["from"] == "${module.table.aws_dynamodb_table.autoscaled[0]}"
    assert moves["staging"]["to"] == "${module.table.aws_dynamodb_table.this[0]}"
    assert tfvars(files, "prod")["autoscaling_enabled"] is True
    assert tfvars(files, "staging")["autoscaling_enabled"] is False


def test_switching_autoscaling_keeps_the_module_addresses(render_yaml: Render) -> None:
    """Turning autoscaling off in prod changes only tfvars and the moved block, never the module's resources."""
    on = render_yaml(AUTOSCALED)
    off = render_yaml(AUTOSCALED.replace("      enabled: true\n      read:", "      enabled: false\n      read:"))
    assert sorted(tables(on)) == sorted(tables(off)) == ["autoscaled", "this"]
    assert parse_hcl(off["orders/envs/prod/main.tf"])["moved"][0]["to"] == "${module.table.aws_dynamodb_table.this[0]}"


def test_an_autoscaled_table_starts_at_its_minimum_capacity(render_yaml: Render) -> None:
    spec = AUTOSCALED.replace("    read_capacity: 20\n    write_capacity: 10\n", "")
    prod = tfvars(render_yaml(spec), "prod")
    assert prod["read_capacity"] == 10 and prod["write_capacity"] == 5


def test_streams_ttl_recovery(render_yaml: Render, minimal_spec_yaml: str) -> None:
    spec = minimal_spec_yaml.replace("environments:\n  dev: {}", """settings:
  stream: {enabled: true, view_type: NEW_IMAGE}
  ttl: {enabled: true, attribute_name: expires_at}
  point_in_time_recovery: {enabled: true, recovery_period_days: 7}
environments:
  dev: {}
  test: {stream: {enabled: false}, ttl: null, point_in_time_recovery: {recovery_period_days: null}}""")
    files = render_yaml(spec)
    dev, test = tfvars(files, "dev"), tfvars(files, "test")
    assert (dev["stream_enabled"], unquote(dev["stream_view_type"])) == (True, "NEW_IMAGE")
    assert test["stream_enabled"] is False and "stream_view_type" not in test
    assert unquote(dev["ttl_attribute_name"]) == "expires_at" and "ttl_attribute_name" not in test
    assert dev["point_in_time_recovery_period_days"] == 7 and "point_in_time_recovery_period_days" not in test
    ttl = tables(files)["this"]["ttl"][0]
    assert ttl["attribute_name"] == "${var.ttl_enabled ? var.ttl_attribute_name : null}"
    assert tfvars(files, "test")["ttl_enabled"] is False


def test_validation_blocks_come_from_the_schema(render_yaml: Render) -> None:
    variables = render_yaml(AUTOSCALED)["orders/variables.tf"]
    assert 'contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)' in variables
    assert "var.autoscaling_read_target_utilization >= 20 && var.autoscaling_read_target_utilization <= 90" in variables
    assert 'contains(["STANDARD", "STANDARD_INFREQUENT_ACCESS"], var.table_class)' in variables
    every_variable = re.findall(r'variable "([^"]+)" \{\n  description = "[^"]+"\n  type', variables)
    assert len(every_variable) == variables.count('variable "')


def test_encryption_modes(render_yaml: Render, minimal_spec_yaml: str) -> None:
    spec = minimal_spec_yaml.replace("environments:\n  dev: {}", """environments:
  owned: {encryption: {enabled: false}}
  managed: {}
  existing: {encryption: {kms_key_arn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}""")
    files = render_yaml(spec)
    sse = tables(files)["this"]["server_side_encryption"][0]
    assert sse["kms_key_arn"] == "${var.kms_key_arn}"
    assert tfvars(files, "owned")["server_side_encryption_enabled"] is False
    assert "kms_key_arn" not in tfvars(files, "managed")
    assert unquote(tfvars(files, "existing")["kms_key_arn"]).endswith("1234567890ab")


def test_replicas_and_import(render_yaml: Render, minimal_spec_yaml: str) -> None:
    spec = minimal_spec_yaml.replace("environments:\n  dev: {}", """settings:
  region: eu-west-1
  stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}
environments:
  dev:
    replicas: [{region_name: us-east-1, propagate_tags: false}]
    import_from_s3: {bucket: my-exports, key_prefix: orders/, input_format: CSV, compression: GZIP, csv: {delimiter: ";", header_list: [order_id]}}""")
    files = render_yaml(spec)
    table = tables(files)["this"]
    assert "import_table" in table["lifecycle"][0]["ignore_changes"][0]
    dev = tfvars(files, "dev")
    assert [{k: v if not isinstance(v, str) else unquote(v) for k, v in r.items()} for r in dev["replicas"]] == [
        {"region_name": "us-east-1", "point_in_time_recovery": True, "propagate_tags": False}]
    source = {k: unquote(v) if isinstance(v, str) else [unquote(x) for x in v] for k, v in dev["import_from_s3"].items()}
    assert source == {"bucket": "my-exports", "key_prefix": "orders/", "input_format": "CSV",
                      "input_compression_type": "GZIP", "csv_delimiter": ";", "csv_header_list": ["order_id"]}
