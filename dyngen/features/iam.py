"""A read-only and a read-write IAM policy for the table, built from aws_iam_policy_document, scoped to the table,
its indexes and its stream, with the KMS permissions a customer-managed key asks of callers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import hcl
from dyngen.features import Feature, Output, table
from dyngen.model import Spec
from dyngen.variables import Variable, any_environment, per_environment, setting

SUMMARY = "The read-only and read-write IAM policies for the table, its indexes and its stream."

READ_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
)
WRITE_ACTIONS = ("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
STREAM_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
# ListStreams takes no resource: IAM accepts it only with "*".
LIST_STREAMS = "dynamodb:ListStreams"
KMS_READ_ACTIONS = ("kms:Decrypt",)
KMS_WRITE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*")
# Policy names are global to the account and at most 128 characters; a name_prefix leaves 26 for the unique suffix.
NAME_PREFIX_MAXIMUM = 102


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]  # HCL expressions

    @property
    def resources_list(self) -> str:
        return hcl.expressions(self.resources)


@dataclass(frozen=True)
class Policy:
    name: str  # resource name: read_only | read_write
    name_prefix: str  # an HCL expression
    description: str  # an HCL expression
    statements: tuple[Statement, ...]
    kms_actions: tuple[str, ...]  # empty when the table never uses a customer key


def used(spec: Spec) -> bool:
    return any_environment(spec, setting("iam_policies"))


def variables(spec: Spec) -> list[Variable]:
    return [Variable("iam_policies_enabled", "bool", "Create a read-only and a read-write IAM policy for the table.",
                     per_environment(spec, lambda s: bool(setting("iam_policies")(s))))]


def _policy(spec: Spec, name: str, label: str, actions: tuple[str, ...], kms: tuple[str, ...]) -> Policy:
    table_resources = ("local.table.arn",) + (('"${local.table.arn}/index/*"',) if _has_indexes(spec) else ())
    statements = [Statement("Table", tuple(sorted(actions)), table_resources)]
    if table.streams(spec):
        statements += [
            Statement("Stream", STREAM_ACTIONS, ('"${local.table.arn}/stream/*"',)),
            Statement("ListStreams", (LIST_STREAMS,), ('"*"',)),
        ]
    suffix = f"-{label}-"
    return Policy(
        name=name,
        name_prefix=f'"${{substr(var.table_name, 0, {NAME_PREFIX_MAXIMUM - len(suffix)})}}{suffix}"',
        description=f'"{label.capitalize()} access to the DynamoDB table ${{var.table_name}}."',
        statements=tuple(statements),
        kms_actions=kms if table.kms_key_arn_expression(spec) else (),
    )


def _has_indexes(spec: Spec) -> bool:
    return bool(spec.global_indexes or spec.local_indexes)


def context(spec: Spec) -> dict[str, Any]:
    return {
        "policies": [
            _policy(spec, "read_only", "read-only", READ_ACTIONS, KMS_READ_ACTIONS),
            _policy(spec, "read_write", "read-write", READ_ACTIONS + WRITE_ACTIONS, KMS_WRITE_ACTIONS),
        ],
        # The table's customer key, created or existing; null in an environment with an AWS key.
        "kms_key_arn": table.kms_key_arn_expression(spec),
    }


def outputs(spec: Spec) -> list[Output]:
    return [
        Output("read_only_policy_arn", "ARN of the read-only IAM policy for the table; null when not created.",
               "one(aws_iam_policy.read_only[*].arn)"),
        Output("read_write_policy_arn", "ARN of the read-write IAM policy for the table; null when not created.",
               "one(aws_iam_policy.read_write[*].arn)"),
    ]


FEATURE = Feature(
    name="iam",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
)
