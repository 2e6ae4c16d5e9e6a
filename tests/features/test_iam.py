"""The read-only and read-write IAM policies for the table, its indexes, its stream and its customer key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dyngen.hcl import unquote
from tests.helpers import (
    MINIMAL,
    blocks,
    data_sources,
    module_text,
    parse_hcl,
    resources,
    tfvars,
)
from tests.tools import external_checks

READ = {
    "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
    "dynamodb:ConditionCheckItem", "dynamodb:DescribeTimeToLive",
}
WRITE = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}

FULL = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
  customer_id: S
global_secondary_indexes:
  - name: by_customer
    hash_key: customer_id
    projection_type: ALL
settings:
  iam_policies: true
  stream:
    enabled: true
    view_type: NEW_AND_OLD_IMAGES
environments:
  dev:
    iam_policies: false
  staging:
    encryption:
      enabled: true
      kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  prod:
    encryption:
      enabled: true
      create_kms_key: true
"""

PLAIN = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
settings:
  iam_policies: true
environments:
  prod: {}
"""

EXISTING_KEY = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
settings:
  iam_policies: true
environments:
  prod:
    encryption:
      enabled: true
      kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
"""


def statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {unquote(s["sid"]): s for s in document.get("statement", [])}


def actions(statement: dict[str, Any]) -> set[str]:
    return {unquote(a) for a in statement["actions"]}


def test_policies_are_scoped_to_table_indexes_and_stream(render_yaml) -> None:
    main = parse_hcl(render_yaml(FULL)["orders/iam.tf"])
    documents = data_sources(main, "aws_iam_policy_document")
    for name, expected in (("read_only", READ), ("read_write", READ | WRITE)):
        document = documents[name]
        assert document["count"] == "${var.iam_policies_enabled ? 1 : 0}"
        found = statements(document)
        assert actions(found["Table"]) == expected
        assert found["Table"]["resources"] == ["${local.table.arn}", '"${local.table.arn}/index/*"']
        assert actions(found["Stream"]) == {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
        assert found["Stream"]["resources"] == ['"${local.table.arn}/stream/*"']
        # ListStreams has no resource-level permissions.
        assert actions(found["ListStreams"]) == {"dynamodb:ListStreams"} and found["ListStreams"]["resources"] == ['"*"']
        policy = resources(main, "aws_iam_policy")[name]
        assert policy["count"] == "${var.iam_policies_enabled ? 1 : 0}"
        assert policy["policy"] == f"${{data.aws_iam_policy_document.{name}[0].json}}"
        assert "var.table_name" in policy["name_prefix"] and policy["tags"] == "${var.tags}"
    assert not set(statements(documents["read_only"])["Table"]["actions"]) & {f'"{a}"' for a in WRITE}


def test_customer_key_permissions_follow_the_key_in_use(render_yaml) -> None:
    main = parse_hcl(render_yaml(FULL)["orders/iam.tf"])
    documents = data_sources(main, "aws_iam_policy_document")
    for name, expected in (("read_only", {"kms:Decrypt"}),
                           ("read_write", {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"})):
        dynamic = documents[name]["dynamic"][0]['"statement"']
        assert dynamic["for_each"] == "${local.kms_key_arn == null ? [] : [local.kms_key_arn]}"
        content = dynamic["content"][0]
        assert actions(content) == expected
        assert content["resources"] == ["${statement.value}"]


def test_existing_key_only_uses_the_key_variable(render_yaml) -> None:
    main = parse_hcl(render_yaml(EXISTING_KEY)["orders/iam.tf"])
    document = data_sources(main, "aws_iam_policy_document")["read_write"]
    dynamic = document["dynamic"][0]['"statement"']
    assert dynamic["for_each"] == "${var.kms_key_arn == null ? [] : [var.kms_key_arn]}"


def test_plain_table_has_no_index_stream_or_key_statements(render_yaml) -> None:
    files = render_yaml(PLAIN)
    main = parse_hcl(files["orders/iam.tf"])
    for name in ("read_only", "read_write"):
        document = data_sources(main, "aws_iam_policy_document")[name]
        assert set(statements(document)) == {"Table"}
        assert statements(document)["Table"]["resources"] == ["${local.table.arn}"]
        assert "dynamic" not in document
    assert tfvars(files, "prod")["iam_policies_enabled"] is True


def test_variables_outputs_and_tfvars(render_yaml) -> None:
    files = render_yaml(FULL)
    assert blocks(parse_hcl(files["orders/variables.tf"]), "variable")["iam_policies_enabled"]["type"] == "bool"
    assert tfvars(files, "dev")["iam_policies_enabled"] is False
    assert tfvars(files, "prod")["iam_policies_enabled"] is True
    outputs = blocks(parse_hcl(files["orders/outputs.tf"]), "output")
    assert outputs["read_only_policy_arn"]["value"] == "${one(aws_iam_policy.read_only[*].arn)}"
    assert outputs["read_write_policy_arn"]["value"] == "${one(aws_iam_policy.read_write[*].arn)}"


def test_without_iam_policies_nothing_of_them_is_rendered(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    main = parse_hcl(module_text(files))
    assert not resources(main, "aws_iam_policy")
    assert not {"read_only", "read_write"} & set(data_sources(main, "aws_iam_policy_document"))
    assert "iam_policies_enabled" not in files["orders/variables.tf"]
    assert "policy_arn" not in files["orders/outputs.tf"]
    assert "iam_policies_enabled" not in files["orders/envs/dev/terraform.tfvars"]


@pytest.mark.parametrize("spec", [FULL, PLAIN, EXISTING_KEY], ids=["full", "plain", "existing-key"])
def test_rendered_tree_passes_hcl_and_schema_checks(render_yaml, spec: str, tmp_path: Path) -> None:
    external_checks(render_yaml(spec), tmp_path)
