"""AWS Backup of the table: a vault, a plan with one rule, a selection of the table, and the IAM role that the
backup service assumes to take and restore backups."""

from __future__ import annotations

from typing import Any

from dyngen.facts import BACKUP_COLD_STORAGE_MINIMUM_DAYS
from dyngen.features import Feature, Output, fixed, table
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "AWS Backup of the table: vault, plan, selection and the role the backup service assumes."

# AWS managed policies for the backup service's role; they live under the service-role/ path.
MANAGED_POLICIES = ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores")
SERVICE_PRINCIPAL = "backup.amazonaws.com"
# Vault names are 2 to 50 of A-Z a-z 0-9 _ -; a table name may hold dots and be 255 long. Plans and selections allow
# dots too, but one name for all three keeps them together in the console.
NAME_SUFFIX = "-backup"
NAME = f'"${{substr(replace(var.table_name, ".", "-"), 0, {50 - len(NAME_SUFFIX)})}}{NAME_SUFFIX}"'
# IAM role names are global to the account (the same table name may live in two regions), so the role takes a
# prefix and a unique suffix: a name_prefix is at most 38 characters.
ROLE_NAME_PREFIX = f'"${{substr(replace(var.table_name, ".", "-"), 0, {38 - len(NAME_SUFFIX) - 1})}}{NAME_SUFFIX}-"'


def used(spec: Spec) -> bool:
    return any_environment(spec, _enabled)


def _enabled(s: Settings) -> bool:
    return bool(setting("backup", "enabled")(s))


def cold_storage(spec: Spec) -> bool:
    return any_environment(spec, setting_when(_enabled, "backup", "cold_storage_after_days"))


def vault_key(spec: Spec) -> bool:
    return any_environment(spec, setting_when(_enabled, "backup", "vault_kms_key_arn"))


def vault_key_expression(spec: Spec) -> str | None:
    """The vault's key: the one the environment names, else the key made for the table, else none (AWS-managed)."""
    created = "one(aws_kms_key.this[*].arn)" if table.created_key(spec) else None
    if vault_key(spec):
        chosen = "var.backup_vault_kms_key_arn"
        return f"{chosen} != null ? {chosen} : {created}" if created else chosen
    return created


def variables(spec: Spec) -> list[Variable]:
    found = [
        Variable("backup_enabled", "bool", "Back the table up with AWS Backup.", per_environment(spec, _enabled)),
        Variable("backup_schedule", "string", "When backups run: cron(...) or rate(...); null while backup is off.",
                 per_environment(spec, setting_when(_enabled, "backup", "schedule")),
                 rule="backup_schedule", nullable=True),
        Variable("backup_delete_after_days", "number", "Days a backup is kept; null keeps backups forever.",
                 per_environment(spec, setting_when(_enabled, "backup", "delete_after_days")),
                 rule="days", nullable=True),
    ]
    if cold_storage(spec):
        found.append(Variable(
            "backup_cold_storage_after_days", "number",
            f"Days before a backup moves to cold storage; null: never. Backups must then be kept at least "
            f"{BACKUP_COLD_STORAGE_MINIMUM_DAYS} days more.",
            per_environment(spec, setting_when(_enabled, "backup", "cold_storage_after_days")),
            rule="days", nullable=True,
        ))
    if vault_key(spec):
        found.append(Variable(
            "backup_vault_kms_key_arn", "string",
            "ARN of the KMS key that encrypts the backup vault; null: "
            + ("the key created for the table, if any, else " if table.created_key(spec) else "")
            + "the AWS-managed key.",
            per_environment(spec, setting_when(_enabled, "backup", "vault_kms_key_arn")),
            rule="kms_key_arn", nullable=True,
        ))
    return found


def context(spec: Spec) -> dict[str, Any]:
    cold = "var.backup_cold_storage_after_days"
    delete = "var.backup_delete_after_days"
    minimum = BACKUP_COLD_STORAGE_MINIMUM_DAYS
    return {
        "name": NAME,
        "role_name_prefix": ROLE_NAME_PREFIX,
        "service_principal": SERVICE_PRINCIPAL,
        "managed_policies": list(MANAGED_POLICIES),
        "vault_kms_key_arn": vault_key_expression(spec),
        "cold_storage": cold_storage(spec),
        # Conditionals, not || : Terraform evaluates both sides of || and null + 90 is an error.
        "cold_storage_condition": f"{cold} == null ? true : ({delete} == null ? true : {delete} >= {cold} + {minimum})",
        "cold_storage_message": f"AWS Backup keeps a cold backup at least {minimum} days: backup_delete_after_days "
                                f"must be at least backup_cold_storage_after_days + {minimum}.",
    }


def outputs(spec: Spec) -> list[Output]:
    return [
        Output("backup_vault_arn", "ARN of the AWS Backup vault; null while backup is off.",
               "one(aws_backup_vault.this[*].arn)"),
        Output("backup_plan_arn", "ARN of the AWS Backup plan; null while backup is off.",
               "one(aws_backup_plan.this[*].arn)"),
    ]


FEATURE = Feature(
    name="backup",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    data_sources=fixed(("aws_partition",)),
)
