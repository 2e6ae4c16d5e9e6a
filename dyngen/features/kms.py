"""A customer-managed KMS key made for the table (encryption.create_kms_key), its alias and key policy, its replicas
in the regions of the table's replicas, and the module's `kms_key_arn` output: the customer key the table uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import facts
from dyngen.features import BASE_PROVIDER, Feature, Output, table
from dyngen.model import Settings, Spec
from dyngen.variables import Variable, any_environment, per_environment, setting_when

SUMMARY = "The customer-managed KMS key made for the table: the key, its alias, its key policy and its replica keys."
# The key policy names the region through data.aws_region's `region` attribute, which provider 6.0.0 introduced
# (its `name` is deprecated there).
REGION_ATTRIBUTE_MINIMUM = "6.0.0"

# What DynamoDB does with the table's key on behalf of callers in the account (as in the AWS-managed aws/dynamodb key).
SERVICE_ACTIONS = (
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)
ALIAS_PREFIX = "alias/dynamodb/"
# An alias name is at most 256 characters of A-Z a-z 0-9 / _ -: a table name may hold dots and be 255 long.
ALIAS_NAME = f'"{ALIAS_PREFIX}${{substr(replace(var.table_name, ".", "-"), 0, {256 - len(ALIAS_PREFIX)})}}"'
# checkov reads the key policy as an identity policy; in a key policy, Resource "*" is the key itself (its ARN cannot
# be named before the key exists) and kms:* for the account root is AWS's default key policy, which lets IAM
# policies grant use of the key. The module README should list these as deliberate.
CHECKOV_SKIPS = (
    ("CKV_AWS_109", 'key policy: Resource "*" is this key; the account root administers it (AWS default key policy)'),
    ("CKV_AWS_111", 'key policy: Resource "*" is this key; the account root administers it (AWS default key policy)'),
    ("CKV_AWS_356", 'key policy: Resource "*" is this key, whose ARN cannot be named before it exists'),
)


@dataclass(frozen=True)
class Condition:
    test: str
    variable: str
    value: str  # an HCL expression


def data_sources(spec: Spec) -> tuple[str, ...]:
    """The key policy names the account, partition and region (declared once for the module by render)."""
    return ("aws_caller_identity", "aws_partition", "aws_region") if table.created_key(spec) else ()


def used(spec: Spec) -> bool:
    return table.created_key(spec) or table.existing_key(spec)


def provider_minimum(spec: Spec) -> str:
    return REGION_ATTRIBUTE_MINIMUM if table.created_key(spec) else BASE_PROVIDER


def _creates(s: Settings) -> bool:
    return facts.customer_key_mode(s) == "created"


def multi_region(spec: Spec) -> bool:
    return any_environment(spec, facts.multi_region_key)


def variables(spec: Spec) -> list[Variable]:
    if not table.created_key(spec):
        return []  # an existing key comes in through the table's own kms_key_arn variable
    found = [
        Variable("create_kms_key", "bool", "Create a customer-managed KMS key for the table.",
                 per_environment(spec, _creates)),
        Variable("kms_deletion_window_days", "number",
                 "Days a scheduled deletion of the created key waits; null while no key is created.",
                 per_environment(spec, setting_when(_creates, "encryption", "kms_deletion_window_days")),
                 rule="kms_deletion_window_days", nullable=True),
        Variable("kms_key_rotation", "bool", "Rotate the created key every year.",
                 per_environment(spec, lambda s: bool(setting_when(_creates, "encryption", "kms_key_rotation")(s)))),
    ]
    if multi_region(spec):
        found.append(Variable(
            "kms_multi_region", "bool",
            "Make the created key multi-Region, with a replica key in the region of each replica that names no key "
            "of its own. Changing it replaces the key (README: \"Replica keys\").",
            per_environment(spec, facts.multi_region_key),
        ))
    return found


def context(spec: Spec) -> dict[str, Any]:
    creates = table.created_key(spec)
    return {
        "creates": creates,
        # An environment may pass an existing key while another one creates its own.
        "key_arn": ("var.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn" if table.existing_key(spec)
                    else "one(aws_kms_key.this[*].arn)") if creates else None,
        "alias_name": ALIAS_NAME,
        "service_actions": list(SERVICE_ACTIONS),
        "service_conditions": [
            Condition("StringEquals", "kms:CallerAccount", "data.aws_caller_identity.current.account_id"),
            Condition("StringEquals", "kms:ViaService", '"dynamodb.${data.aws_region.current.region}.amazonaws.com"'),
        ],
        "multi_region": multi_region(spec),
        "replica_keys": table.replica_keys_created(spec),
        # A replica key serves the table's replica in its own region only.
        "replica_service_conditions": [
            Condition("StringEquals", "kms:CallerAccount", "data.aws_caller_identity.current.account_id"),
            Condition("StringEquals", "kms:ViaService", '"dynamodb.${each.key}.amazonaws.com"'),
        ],
        "checkov_skips": CHECKOV_SKIPS,
        "root": '"arn:${data.aws_partition.current.partition}:iam::'
                '${data.aws_caller_identity.current.account_id}:root"',
    }


def outputs(spec: Spec) -> list[Output]:
    found = [Output("kms_key_arn", "ARN of the customer-managed KMS key that encrypts the table; null for an AWS key.",
                    table.kms_key_arn_expression(spec) or "null")]
    if table.replica_keys_created(spec):
        found.append(Output("replica_kms_key_arns", "ARN of each replica of the created multi-Region key, by region.",
                            "local.replica_kms_key_arns"))
    if table.created_key(spec):
        found.append(Output("kms_key_alias", "Alias of the KMS key created for the table; null when none is created.",
                            "one(aws_kms_alias.this[*].name)"))
    return found


FEATURE = Feature(
    name="kms",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    provider_minimum=provider_minimum,
    data_sources=data_sources,
)
