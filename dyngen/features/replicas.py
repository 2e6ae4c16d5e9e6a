"""Replicas of a provisioned, autoscaled table as aws_dynamodb_table_replica resources, created after the autoscaling
policies: DynamoDB accepts replicas of a provisioned table only once its write capacity autoscales."""

from __future__ import annotations

from typing import Any

from dyngen import hcl
from dyngen.features import Feature, fixed, table
from dyngen.model import Spec
from dyngen.variables import Variable

SUMMARY = "The replicas of the autoscaled provisioned table (`aws_dynamodb_table_replica`)."
PROVIDER_MINIMUM = table.REGION_ARGUMENT_MINIMUM  # the replica's region is the resource's own `region` argument


def used(spec: Spec) -> bool:
    return table.replica_resources(spec)


def variables(spec: Spec) -> list[Variable]:
    return []  # the table's `replicas` variable describes them


def scaling_policies(spec: Spec) -> list[str]:
    """What each replica waits for: every autoscaling policy of the table, and of its indexes where they autoscale."""
    found = ["aws_appautoscaling_policy.table_read", "aws_appautoscaling_policy.table_write"]
    if table.autoscales_indexes(spec):
        found += ["aws_appautoscaling_policy.index_read", "aws_appautoscaling_policy.index_write"]
    return found


def context(spec: Spec) -> dict[str, Any]:
    return {
        "kms_key_arn": table.replica_kms_key_expression(spec, "each.value"),
        "depends_on": hcl.expressions(scaling_policies(spec)),
        "deletion_protection": table.protects_replicas(spec),
        # table_class_override exists only on aws_dynamodb_table_replica, not on the table's inline replica block.
        "table_class": table.replica_uses(spec, "table_class"),
    }


FEATURE = Feature(
    name="replicas",
    summary=SUMMARY,
    used=used,
    variables=variables,
    # no outputs: replica_arns (table) covers both kinds of replica
    context=context,
    provider_minimum=fixed(PROVIDER_MINIMUM),
)
