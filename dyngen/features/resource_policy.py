"""A resource-based policy on the table (aws_dynamodb_resource_policy): read-only and read-write access for named
principals of other accounts, and a statement that denies every request sent without TLS."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from dyngen import hcl
from dyngen.features import Feature, Output, fixed, iam
from dyngen.model import Settings, Spec
from dyngen.variables import Variable, any_environment, per_environment, setting

SUMMARY = "The table's resource-based policy (`aws_dynamodb_resource_policy`)."
# aws_dynamodb_resource_policy is older; 6.0.0 is the oldest release this module was checked against.
PROVIDER_MINIMUM = "6.0.0"
# The longest table ARN a policy can name: the longest partition and region, and a 255-character table name.
LONGEST_TABLE_ARN = "arn:aws-iso-b:dynamodb:ap-southeast-5:123456789012:table/" + "x" * 255


@dataclass(frozen=True)
class Grant:
    sid: str
    variable: str  # the module variable that lists the principals
    actions: tuple[str, ...]


GRANTS = (
    Grant("CrossAccountRead", "resource_policy_readers", tuple(sorted(iam.READ_ACTIONS))),
    Grant("CrossAccountReadWrite", "resource_policy_writers", tuple(sorted(iam.READ_ACTIONS + iam.WRITE_ACTIONS))),
)
DENY_INSECURE_TRANSPORT_SID = "DenyInsecureTransport"


def is_enabled(s: Settings) -> bool:
    return bool(setting("resource_policy", "enabled")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, is_enabled)


def _principals(kind: str) -> Any:
    def pick(s: Settings) -> list[str]:
        return sorted(setting("resource_policy", kind, default=[])(s)) if is_enabled(s) else []

    return pick


def variables(spec: Spec) -> list[Variable]:
    return [
        Variable("resource_policy_enabled", "bool", "Attach a resource-based policy to the table.",
                 per_environment(spec, is_enabled)),
        Variable("resource_policy_readers", "list(string)",
                 "Account ids or IAM principal ARNs that may read the table and its indexes.",
                 per_environment(spec, _principals("readers"))),
        Variable("resource_policy_writers", "list(string)",
                 "Account ids or IAM principal ARNs that may read and write the table and its indexes.",
                 per_environment(spec, _principals("writers"))),
        Variable("resource_policy_deny_insecure_transport", "bool",
                 "Deny every request to the table and its indexes sent without TLS.",
                 per_environment(spec, lambda s: is_enabled(s)
                                                 and bool(setting("resource_policy", "deny_insecure_transport")(s)))),
    ]


def _resources(spec: Spec) -> list[str]:
    """HCL expressions: the table and, when it has any, its indexes."""
    indexes = bool(spec.global_indexes or spec.local_indexes)
    return ["local.table.arn"] + (['"${local.table.arn}/index/*"'] if indexes else [])


def context(spec: Spec) -> dict[str, Any]:
    return {"grants": GRANTS, "resources": hcl.expressions(_resources(spec)), "deny_sid": DENY_INSECURE_TRANSPORT_SID}


def outputs(spec: Spec) -> list[Output]:
    return [Output("resource_policy_revision_id",
                   "Revision of the table's resource-based policy; null when none is attached.",
                   "one(aws_dynamodb_resource_policy.this[*].revision_id)")]


def estimated_policy_bytes(s: Settings, document: Mapping[str, Any]) -> int:
    """An upper estimate of the policy document's size as aws_iam_policy_document writes it (indented JSON), with
    the longest table ARN there can be."""
    policy = s.get("resource_policy") or {}
    has_indexes = bool(document.get("global_secondary_indexes") or document.get("local_secondary_indexes"))
    resources = [LONGEST_TABLE_ARN] + ([LONGEST_TABLE_ARN + "/index/*"] if has_indexes else [])
    statements = [
        {"Sid": grant.sid, "Effect": "Allow", "Action": list(grant.actions), "Resource": resources,
         "Principal": {"AWS": principals}}
        for grant, principals in zip(GRANTS, (policy.get("readers") or [], policy.get("writers") or []))
        if principals
    ]
    if policy.get("deny_insecure_transport"):
        statements.append({"Sid": DENY_INSECURE_TRANSPORT_SID, "Effect": "Deny", "Action": "dynamodb:*",
                           "Resource": resources, "Principal": "*",
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    return len(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2).encode())


FEATURE = Feature(
    name="resource_policy",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    provider_minimum=fixed(PROVIDER_MINIMUM),
)
