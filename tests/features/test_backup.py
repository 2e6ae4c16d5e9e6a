"""AWS Backup of the table: vault, plan, selection and the backup service's role."""

from __future__ import annotations

from pathlib import Path

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

BACKUP = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {}
  staging:
    backup:
      enabled: true
      schedule: rate(12 hours)
      delete_after_days: 35
  prod:
    backup:
      enabled: true
      delete_after_days: 365
      cold_storage_after_days: 30
"""

WITH_KEYS = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  staging:
    backup:
      enabled: true
      vault_kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  prod:
    profile: production
"""

NO_COLD = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
settings:
  backup:
    enabled: true
environments:
  prod: {}
"""

TYPES = ("aws_backup_vault", "aws_backup_plan", "aws_backup_selection", "aws_iam_role", "aws_iam_role_policy_attachment")


def test_backup_renders_vault_plan_selection_and_role(render_yaml) -> None:
    main = parse_hcl(render_yaml(BACKUP)["orders/backup.tf"])
    for rtype in TYPES[:-1]:
        name = "backup" if rtype == "aws_iam_role" else "this"
        assert resources(main, rtype)[name]["count"] == "${var.backup_enabled ? 1 : 0}", rtype
    vault = resources(main, "aws_backup_vault")["this"]
    assert "var.table_name" in vault["name"] and vault["tags"] == "${var.tags}"
    assert "kms_key_arn" not in vault  # no customer key anywhere: the AWS-managed key
    plan = resources(main, "aws_backup_plan")["this"]
    rule = plan["rule"][0]
    assert rule["target_vault_name"] == "${aws_backup_vault.this[0].name}"
    assert rule["schedule"] == "${var.backup_schedule}"
    assert rule["lifecycle"][0]["delete_after"] == "${var.backup_delete_after_days}"
    assert rule["lifecycle"][0]["cold_storage_after"] == "${var.backup_cold_storage_after_days}"
    condition = plan["lifecycle"][0]["precondition"][0]["condition"]
    assert "var.backup_delete_after_days >= var.backup_cold_storage_after_days + 90" in condition
    selection = resources(main, "aws_backup_selection")["this"]
    assert selection["plan_id"] == "${aws_backup_plan.this[0].id}"
    assert selection["iam_role_arn"] == "${aws_iam_role.backup[0].arn}"
    assert selection["resources"] == ["${local.table.arn}"]
    assert selection["depends_on"] == ["${aws_iam_role_policy_attachment.backup}"]


def test_backup_role_is_for_the_backup_service_with_the_service_role_policies(render_yaml) -> None:
    main = parse_hcl(render_yaml(BACKUP)["orders/backup.tf"])
    role = resources(main, "aws_iam_role")["backup"]
    assert role["assume_role_policy"] == "${data.aws_iam_policy_document.backup_assume_role[0].json}"
    assume = data_sources(main, "aws_iam_policy_document")["backup_assume_role"]["statement"][0]
    assert assume["actions"] == ['"sts:AssumeRole"']
    assert assume["principals"][0]["type"] == '"Service"'
    assert assume["principals"][0]["identifiers"] == ['"backup.amazonaws.com"']
    attachment = resources(main, "aws_iam_role_policy_attachment")["backup"]
    assert attachment["for_each"] == (
        '${var.backup_enabled ? toset(["AWSBackupServiceRolePolicyForBackup", '
        '"AWSBackupServiceRolePolicyForRestores"]) : toset([])}'
    )
    assert attachment["role"] == "${aws_iam_role.backup[0].name}"
    # The managed policies sit under service-role/ (seed 003 leaves that out).
    assert attachment["policy_arn"] == (
        '"arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/${each.key}"'
    )


def test_backup_variables_and_tfvars(render_yaml) -> None:
    files = render_yaml(BACKUP)
    variables = blocks(parse_hcl(files["orders/variables.tf"]), "variable")
    assert variables["backup_enabled"]["type"] == "bool"
    assert "regex" in variables["backup_schedule"]["validation"][0]["condition"]
    assert variables["backup_cold_storage_after_days"]["default"] is None
    assert "backup_vault_kms_key_arn" not in variables
    dev, staging, prod = (tfvars(files, e) for e in ("dev", "staging", "prod"))
    assert dev["backup_enabled"] is False
    assert not {"backup_schedule", "backup_delete_after_days", "backup_cold_storage_after_days"} & set(dev)
    assert unquote(staging["backup_schedule"]) == "rate(12 hours)"
    assert staging["backup_delete_after_days"] == 35 and "backup_cold_storage_after_days" not in staging
    assert unquote(prod["backup_schedule"]) == "cron(0 3 ? * * *)"
    assert (prod["backup_delete_after_days"], prod["backup_cold_storage_after_days"]) == (365, 30)
    outputs = blocks(parse_hcl(files["orders/outputs.tf"]), "output")
    assert outputs["backup_vault_arn"]["value"] == "${one(aws_backup_vault.this[*].arn)}"
    assert outputs["backup_plan_arn"]["value"] == "${one(aws_backup_plan.this[*].arn)}"


def test_vault_key_is_the_named_one_else_the_created_table_key(render_yaml) -> None:
    files = render_yaml(WITH_KEYS)
    vault = resources(parse_hcl(files["orders/backup.tf"]), "aws_backup_vault")["this"]
    assert vault["kms_key_arn"] == (
        "${var.backup_vault_kms_key_arn != null ? var.backup_vault_kms_key_arn : one(aws_kms_key.this[*].arn)}"
    )
    assert unquote(tfvars(files, "staging")["backup_vault_kms_key_arn"]).startswith("arn:aws:kms:")
    assert "backup_vault_kms_key_arn" not in tfvars(files, "prod")


def test_no_cold_storage_renders_no_cold_storage(render_yaml) -> None:
    files = render_yaml(NO_COLD)
    plan = resources(parse_hcl(files["orders/backup.tf"]), "aws_backup_plan")["this"]
    assert "cold_storage_after" not in plan["rule"][0]["lifecycle"][0]
    assert "lifecycle" not in plan
    assert "backup_cold_storage_after_days" not in files["orders/variables.tf"]


def test_without_backup_nothing_of_it_is_rendered(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    main = parse_hcl(module_text(files))
    for rtype in TYPES:
        assert not resources(main, rtype), rtype
    assert "backup" not in module_text(files)
    assert not [n for n in blocks(parse_hcl(files["orders/variables.tf"]), "variable") if n.startswith("backup")]
    assert not [n for n in blocks(parse_hcl(files["orders/outputs.tf"]), "output") if n.startswith("backup")]
    assert "backup" not in files["orders/envs/dev/terraform.tfvars"]


@pytest.mark.parametrize("spec", [BACKUP, WITH_KEYS, NO_COLD], ids=["plain", "keys", "no-cold"])
def test_rendered_tree_passes_hcl_and_schema_checks(render_yaml, spec: str, tmp_path: Path) -> None:
    external_checks(render_yaml(spec), tmp_path)
