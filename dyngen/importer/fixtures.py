"""The AWS documents about a table as Terraform state attributes of the AWS provider (`aws_dynamodb_table`,
`aws_appautoscaling_target`), keyed by import id: what `terraform import` would read. Used to check, with
tf-plan's --import-fixtures, that an imported spec plans no change to the existing table."""

from __future__ import annotations

from typing import Any

from dyngen.importer.aws_documents import (
    REPLICA_DELETION_PROTECTION,
    REPLICA_RECOVERY,
    REPLICA_TAGS,
    TableDocuments,
)
from dyngen.importer.aws_mapping import ON
from dyngen.importer.draft import key_names

UNLIMITED = -1  # DynamoDB's on-demand maximum when none is set


def fixture_files(docs: TableDocuments) -> dict[str, dict[str, Any]]:
    """{`<resource type>/<import id>.json`: attributes}, the layout tf-plan --import-fixtures reads."""
    files = {f"aws_dynamodb_table/{docs.name}.json": without_zero_values(table_attributes(docs))}
    for policy in docs.policies or []:
        policy_id = f"dynamodb/{policy['ResourceId']}/{policy['ScalableDimension']}/{policy['PolicyName']}"
        files[f"aws_appautoscaling_policy/{policy_id}.json"] = policy_attributes(policy)
    for target in docs.targets or []:
        target_id = f"dynamodb/{target['ResourceId']}/{target['ScalableDimension']}"
        files[f"aws_appautoscaling_target/{target_id}.json"] = {
            "service_namespace": "dynamodb",
            "resource_id": target["ResourceId"],
            "scalable_dimension": target["ScalableDimension"],
            "min_capacity": target["MinCapacity"],
            "max_capacity": target["MaxCapacity"],
            "role_arn": target.get("RoleARN"),
            "tags": {},
        }
    return files


def table_attributes(docs: TableDocuments) -> dict[str, Any]:
    table = docs.table
    hash_key, range_key = key_names(table.get("KeySchema") or [])
    throughput = table.get("ProvisionedThroughput") or {}
    stream = table.get("StreamSpecification") or {}
    return {
        "name": docs.name,
        "arn": table.get("TableArn"),
        "billing_mode": (table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED",
        "hash_key": hash_key,
        "range_key": range_key,
        "read_capacity": throughput.get("ReadCapacityUnits", 0),
        "write_capacity": throughput.get("WriteCapacityUnits", 0),
        "attribute": [{"name": a["AttributeName"], "type": a["AttributeType"]}
                      for a in table.get("AttributeDefinitions") or []],
        "global_secondary_index": [_global_index(i) for i in table.get("GlobalSecondaryIndexes") or []],
        "local_secondary_index": [_local_index(i) for i in table.get("LocalSecondaryIndexes") or []],
        "stream_enabled": bool(stream.get("StreamEnabled")),
        "stream_view_type": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "stream_arn": table.get("LatestStreamArn"),
        "stream_label": table.get("LatestStreamLabel"),
        "table_class": (table.get("TableClassSummary") or {}).get("TableClass") or "STANDARD",
        "deletion_protection_enabled": bool(table.get("DeletionProtectionEnabled")),
        "on_demand_throughput": [_on_demand(table.get("OnDemandThroughput"))],
        "point_in_time_recovery": [_recovery(docs.backups)],
        "server_side_encryption": [_encryption(table.get("SSEDescription"))],
        "ttl": [_ttl(docs.ttl)],
        "replica": [_replica(r, docs) for r in table.get("Replicas") or [] if r.get("RegionName") != _region(table)],
        "tags": {t["Key"]: t.get("Value", "") for t in docs.tags or [] if not t["Key"].startswith("aws:")},
    }


def _projection(raw: dict[str, Any]) -> dict[str, Any]:
    projection = raw.get("Projection") or {}
    return {"projection_type": projection.get("ProjectionType"),
            "non_key_attributes": list(projection.get("NonKeyAttributes") or [])}


def _global_index(raw: dict[str, Any]) -> dict[str, Any]:
    hash_key, range_key = key_names(raw.get("KeySchema") or [])
    throughput = raw.get("ProvisionedThroughput") or {}
    return {"name": raw["IndexName"], "hash_key": hash_key, "range_key": range_key, **_projection(raw),
            "read_capacity": throughput.get("ReadCapacityUnits", 0),
            "write_capacity": throughput.get("WriteCapacityUnits", 0),
            "on_demand_throughput": [_on_demand(raw.get("OnDemandThroughput"))]}


def _local_index(raw: dict[str, Any]) -> dict[str, Any]:
    _, range_key = key_names(raw.get("KeySchema") or [])
    return {"name": raw["IndexName"], "range_key": range_key, **_projection(raw)}


def _on_demand(raw: Any) -> dict[str, Any]:
    given = raw or {}
    return {"max_read_request_units": given.get("MaxReadRequestUnits", UNLIMITED),
            "max_write_request_units": given.get("MaxWriteRequestUnits", UNLIMITED)}


def _recovery(backups: dict[str, Any] | None) -> dict[str, Any]:
    pitr = (backups or {}).get("PointInTimeRecoveryDescription") or {}
    enabled = pitr.get("PointInTimeRecoveryStatus") in ON
    return {"enabled": enabled, "recovery_period_in_days": pitr.get("RecoveryPeriodInDays", 35) if enabled else 0}


def _encryption(sse: dict[str, Any] | None) -> dict[str, Any]:
    given = sse or {}
    enabled = given.get("Status") in ON + ("UPDATING",)
    return {"enabled": enabled, "kms_key_arn": given.get("KMSMasterKeyArn") if enabled else None}


def _ttl(ttl: dict[str, Any] | None) -> dict[str, Any]:
    given = ttl or {}
    return {"enabled": given.get("TimeToLiveStatus") in ON, "attribute_name": given.get("AttributeName", "")}


def _replica(raw: dict[str, Any], docs: TableDocuments) -> dict[str, Any]:
    # describe-table does not say these of a replica: assume what the imported spec assumes (aws_mapping._replicas,
    # which warns), the table's point-in-time recovery and deletion protection
    pitr = _recovery(docs.backups)["enabled"]
    protected = raw.get(REPLICA_DELETION_PROTECTION, bool(docs.table.get("DeletionProtectionEnabled")))
    return {"region_name": raw["RegionName"], "kms_key_arn": raw.get("KMSMasterKeyId"),
            "point_in_time_recovery": raw.get(REPLICA_RECOVERY, pitr), "propagate_tags": raw.get(REPLICA_TAGS, False),
            "deletion_protection_enabled": protected}


def _region(table: dict[str, Any]) -> str | None:
    parts = str(table.get("TableArn") or "").split(":")
    return parts[3] if len(parts) > 3 else None


def policy_attributes(policy: dict[str, Any]) -> dict[str, Any]:
    config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    metric = config.get("PredefinedMetricSpecification") or {}
    return {
        "name": policy["PolicyName"],
        "arn": policy.get("PolicyARN"),
        "policy_type": policy.get("PolicyType"),
        "service_namespace": policy.get("ServiceNamespace"),
        "resource_id": policy.get("ResourceId"),
        "scalable_dimension": policy.get("ScalableDimension"),
        "target_tracking_scaling_policy_configuration": [{
            "target_value": config.get("TargetValue"),
            "scale_in_cooldown": config.get("ScaleInCooldown"),
            "scale_out_cooldown": config.get("ScaleOutCooldown"),
            "predefined_metric_specification": [{"predefined_metric_type": metric.get("PredefinedMetricType")}],
        } | ({"disable_scale_in": True} if config.get("DisableScaleIn") else {})] if config else [],
    }


def without_zero_values(attributes: dict[str, Any]) -> dict[str, Any]:
    """The provider's SDK takes an unset optional argument and its zero value (false, 0, "", an empty list) for the
    same, as it does DynamoDB's -1 for "no maximum"; the stand-in provider compares literally. So the table's
    optional arguments that are off are left out, as a configuration that does not set them leaves them out."""
    found = {k: v for k, v in attributes.items() if v not in (None, False, 0, "", [])}
    found["tags"] = attributes["tags"]
    found["deletion_protection_enabled"] = attributes["deletion_protection_enabled"]  # dyngen always sets it
    found["global_secondary_index"] = [_unset_zeros(i) for i in attributes["global_secondary_index"]]
    found["local_secondary_index"] = [_unset_zeros(i) for i in attributes["local_secondary_index"]]
    found["on_demand_throughput"] = [o for o in attributes["on_demand_throughput"] if _limited(o)]
    found["ttl"] = [t for t in attributes["ttl"] if t["enabled"]]
    return {k: v for k, v in found.items() if v != []}


def _unset_zeros(index: dict[str, Any]) -> dict[str, Any]:
    found = {k: v for k, v in index.items() if v not in (None, 0, [])}
    if "on_demand_throughput" in index:
        found["on_demand_throughput"] = [o for o in index["on_demand_throughput"] if _limited(o)]
    return found


def _limited(throughput: dict[str, Any]) -> bool:
    return any(v not in (None, UNLIMITED) for v in throughput.values())
