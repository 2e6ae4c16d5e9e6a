"""The customer-managed KMS key made for the table: key, alias, key policy, the key the table uses, outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dyngen.hcl import unquote
from tests.helpers import (
    MINIMAL,
    blocks,
    data_sources,
    locals_of,
    module_text,
    parse_hcl,
    resources,
    tfvars,
)
from tests.tools import external_checks

KEYS = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev:
    encryption:
      enabled: false
  staging:
    encryption:
      enabled: true
      kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  prod:
    encryption:
      enabled: true
      create_kms_key: true
      kms_deletion_window_days: 14
"""

CREATED_ONLY = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {}
  prod:
    encryption:
      enabled: true
      create_kms_key: true
      kms_key_rotation: true
"""

EXISTING_ONLY = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  prod:
    encryption:
      enabled: true
      kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
"""


def test_created_key_renders_key_alias_and_policy(render_yaml) -> None:
    files = render_yaml(KEYS)
    main = parse_hcl(files["orders/kms.tf"])
    key = resources(main, "aws_kms_key")["this"]
    assert key["count"] == "${var.create_kms_key ? 1 : 0}"
    assert key["deletion_window_in_days"] == "${var.kms_deletion_window_days}"
    assert key["enable_key_rotation"] == "${var.kms_key_rotation}"
    assert key["policy"] == "${data.aws_iam_policy_document.kms[0].json}"
    assert key["tags"] == "${var.tags}"
    alias = resources(main, "aws_kms_alias")["this"]
    assert alias["count"] == "${var.create_kms_key ? 1 : 0}"
    assert alias["target_key_id"] == "${aws_kms_key.this[0].key_id}"
    assert alias["name"].startswith('"alias/dynamodb/${') and "var.table_name" in alias["name"]
    table = resources(parse_hcl(files["orders/table.tf"]), "aws_dynamodb_table")["this"]
    assert table["server_side_encryption"][0]["kms_key_arn"] == "${local.kms_key_arn}"
    # One environment passes an existing key while another creates one.
    assert locals_of(main)["kms_key_arn"] == "${var.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn}"


def test_key_policy_lets_the_account_administer_and_dynamodb_use_the_key(render_yaml) -> None:
    files = render_yaml(KEYS)
    main = parse_hcl(files["orders/kms.tf"])
    document = data_sources(main, "aws_iam_policy_document")["kms"]
    assert document["count"] == "${var.create_kms_key ? 1 : 0}"
    admin, service = document["statement"]
    assert admin["actions"] == ['"kms:*"']
    assert admin["principals"][0]["type"] == '"AWS"'
    assert admin["principals"][0]["identifiers"] == [
        '"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"'
    ]
    assert {unquote(a) for a in service["actions"]} == {
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey",
    }
    assert service["principals"][0]["identifiers"] == ['"*"']
    conditions = {unquote(c["variable"]): (unquote(c["test"]), c["values"]) for c in service["condition"]}
    assert conditions["kms:CallerAccount"] == ("StringEquals", ["${data.aws_caller_identity.current.account_id}"])
    assert conditions["kms:ViaService"] == ("StringEquals", ['"dynamodb.${data.aws_region.current.region}.amazonaws.com"'])
    for source in ("aws_caller_identity", "aws_partition", "aws_region"):
        assert "current" in data_sources(parse_hcl(files["orders/main.tf"]), source)


def test_variables_outputs_and_tfvars(render_yaml) -> None:
    files = render_yaml(KEYS)
    variables = blocks(parse_hcl(files["orders/variables.tf"]), "variable")
    assert variables["create_kms_key"]["type"] == "bool"
    assert variables["kms_key_rotation"]["type"] == "bool"
    window = variables["kms_deletion_window_days"]
    assert window["default"] is None
    assert "var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30" in window["validation"][0]["condition"]
    prod, staging, dev = tfvars(files, "prod"), tfvars(files, "staging"), tfvars(files, "dev")
    assert (prod["create_kms_key"], prod["kms_deletion_window_days"], prod["kms_key_rotation"]) == (True, 14, True)
    assert staging["create_kms_key"] is False and "kms_deletion_window_days" not in staging
    assert unquote(staging["kms_key_arn"]).endswith(":key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert dev["create_kms_key"] is False
    outputs = blocks(parse_hcl(files["orders/outputs.tf"]), "output")
    assert outputs["kms_key_arn"]["value"] == "${local.kms_key_arn}"
    assert outputs["kms_key_alias"]["value"] == "${one(aws_kms_alias.this[*].name)}"
    env_outputs = blocks(parse_hcl(files["orders/envs/prod/outputs.tf"]), "output")
    assert env_outputs["kms_key_arn"]["value"] == "${module.table.kms_key_arn}"
    # data.aws_region's `region` attribute came with provider 6.0.0.
    assert '">= 6.0.0, < 7.0.0"' in files["orders/versions.tf"]


def test_created_key_only_uses_the_created_key_or_none(render_yaml) -> None:
    files = render_yaml(CREATED_ONLY)
    main = parse_hcl(files["orders/kms.tf"])
    assert locals_of(main)["kms_key_arn"] == "${one(aws_kms_key.this[*].arn)}"
    assert "kms_key_arn" not in blocks(parse_hcl(files["orders/variables.tf"]), "variable")
    assert tfvars(files, "dev")["create_kms_key"] is False
    assert tfvars(files, "prod")["create_kms_key"] is True


def test_existing_key_only_creates_nothing_but_reports_the_key(render_yaml) -> None:
    files = render_yaml(EXISTING_ONLY)
    main = parse_hcl(module_text(files))
    assert not resources(main, "aws_kms_key") and not resources(main, "aws_kms_alias")
    assert "kms_key_arn" not in locals_of(main)
    variables = blocks(parse_hcl(files["orders/variables.tf"]), "variable")
    assert not {"create_kms_key", "kms_deletion_window_days", "kms_key_rotation"} & set(variables)
    outputs = blocks(parse_hcl(files["orders/outputs.tf"]), "output")
    assert outputs["kms_key_arn"]["value"] == "${var.kms_key_arn}"
    assert "kms_key_alias" not in outputs
    assert '">= 5.0.0, < 7.0.0"' in files["orders/versions.tf"]


def test_without_a_customer_key_nothing_of_kms_is_rendered(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    main = parse_hcl(module_text(files))
    assert not resources(main, "aws_kms_key") and not resources(main, "aws_kms_alias")
    assert not data_sources(main, "aws_iam_policy_document")
    assert "kms" not in module_text(files)
    variables = blocks(parse_hcl(files["orders/variables.tf"]), "variable")
    assert not [name for name in variables if "kms" in name]
    assert not [name for name in blocks(parse_hcl(files["orders/outputs.tf"]), "output") if "kms" in name]
    assert "kms" not in files["orders/envs/dev/terraform.tfvars"]


@pytest.mark.parametrize("spec", [KEYS, CREATED_ONLY, EXISTING_ONLY], ids=["mixed", "created", "existing"])
def test_rendered_tree_passes_hcl_and_schema_checks(render_yaml, spec: str, tmp_path: Path) -> None:
    external_checks(render_yaml(spec), tmp_path)
