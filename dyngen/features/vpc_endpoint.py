"""A gateway VPC endpoint for DynamoDB, with one route table association per route table.

The endpoint's policy is scoped to the account, not to the table. A gateway endpoint carries every DynamoDB request
from the route tables it is associated with, whatever the table: a policy that allowed only this table would cut
every other table in the VPC off, which nobody expects from a module that manages one table. What the policy does
refuse is requests signed by principals of other accounts (aws:PrincipalAccount), which keeps credentials from
elsewhere from using this VPC's path to DynamoDB. Seed 000's policy (any principal, any account) does not do that.
"""

from __future__ import annotations

from typing import Any

from dyngen.features import Feature, Output, fixed
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "The gateway VPC endpoint for DynamoDB, its policy and its route table associations."
# data "aws_region" has `region` from 6.0.0 on; its `name` is deprecated there.
PROVIDER_MINIMUM = "6.0.0"


def enabled(s: Settings) -> bool:
    return bool(setting("vpc_endpoint", "enabled")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, enabled)


def variables(spec: Spec) -> list[Variable]:
    return [
        Variable("vpc_endpoint_enabled", "bool", "Create a gateway VPC endpoint for DynamoDB.",
                 per_environment(spec, enabled)),
        Variable("vpc_id", "string", "VPC of the DynamoDB gateway endpoint; null while the endpoint is off.",
                 per_environment(spec, setting_when(enabled, "vpc_endpoint", "vpc_id")),
                 rule="vpc_id", nullable=True),
        Variable("vpc_endpoint_route_table_ids", "list(string)",
                 "Route tables that send DynamoDB traffic through the endpoint.",
                 per_environment(spec, lambda s: list(setting("vpc_endpoint", "route_table_ids", default=())(s))
                                 if enabled(s) else []),
                 rule="route_table_id", element_rule=True),
    ]


def outputs(spec: Spec) -> list[Output]:
    return [Output(
        "vpc_endpoint_id",
        "ID of the DynamoDB gateway VPC endpoint; null while it is off. Its policy lets principals of this account "
        "reach any DynamoDB table (not only this one: the endpoint serves the whole VPC) and refuses other accounts.",
        "one(aws_vpc_endpoint.dynamodb[*].id)",
    )]


def context(spec: Spec) -> dict[str, Any]:
    return {}


FEATURE = Feature(
    name="vpc_endpoint",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    provider_minimum=fixed(PROVIDER_MINIMUM),
    data_sources=fixed(("aws_caller_identity", "aws_region")),
)
