"""What the AWS documents about one table say, in the spec's words: keys, indexes, capacity, stream, TTL, recovery,
encryption, replicas, tags and autoscaling."""

from __future__ import annotations

from typing import Any

from dyngen.importer.aws_documents import (
    REPLICA_DELETION_PROTECTION,
    REPLICA_RECOVERY,
    REPLICA_TAGS,
    TableDocuments,
)
from dyngen.importer.draft import Draft, key_names, new_document

ON = ("ENABLED", "ENABLING")
UNITS = {"read": "ReadCapacityUnits", "write": "WriteCapacityUnits"}


def draft_from_aws(docs: TableDocuments, env: str) -> Draft:
    table = docs.table
    document = new_document(docs.name, env, _region(table.get("TableArn")))
    beside = len(dict.fromkeys(docs.files)) - 1
    source = docs.files[0] + (f" and {beside} document(s) beside it" if beside else "")
    draft = Draft(docs.name, source, document, where=docs.files[0])
    hash_key, range_key = key_names(table.get("KeySchema") or [])
    document["hash_key"] = hash_key
    if range_key:
        document["range_key"] = range_key
    document["attributes"] = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions") or []}
    _indexes(document, table)
    settings = draft.settings(env)
    _capacity(settings, table)
    settings["table_class"] = (table.get("TableClassSummary") or {}).get("TableClass") or "STANDARD"
    settings["deletion_protection"] = bool(table.get("DeletionProtectionEnabled"))
    stream = table.get("StreamSpecification") or {}
    settings["stream"] = ({"enabled": True, "view_type": stream.get("StreamViewType")} if stream.get("StreamEnabled")
                          else {"enabled": False})
    _ttl(draft, settings, docs)
    _recovery(draft, settings, docs)
    _encryption(draft, settings, docs)
    _replicas(draft, settings, docs)
    if docs.insights is not None:
        settings["contributor_insights"] = docs.insights.get("ContributorInsightsStatus") in ON
    _tags(draft, settings, docs)
    _autoscaling(draft, settings, docs)
    for file, what in docs.not_imported:
        draft.warn(f"table {docs.name} has {what}, which a spec does not say: not imported", file=file)
    return draft


def _region(arn: Any) -> str | None:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None


def _indexes(document: dict[str, Any], table: dict[str, Any]) -> None:
    globals_ = [_index(i, local=False) for i in table.get("GlobalSecondaryIndexes") or []]
    locals_ = [_index(i, local=True) for i in table.get("LocalSecondaryIndexes") or []]
    if globals_:
        document["global_secondary_indexes"] = globals_
    if locals_:
        document["local_secondary_indexes"] = locals_


def _index(raw: dict[str, Any], *, local: bool) -> dict[str, Any]:
    hash_key, range_key = key_names(raw.get("KeySchema") or [])
    projection = raw.get("Projection") or {}
    index: dict[str, Any] = {"name": raw.get("IndexName")}
    if not local:
        index["hash_key"] = hash_key
    if range_key:
        index["range_key"] = range_key
    index["projection_type"] = projection.get("ProjectionType")
    if projection.get("NonKeyAttributes"):
        index["non_key_attributes"] = list(projection["NonKeyAttributes"])
    return index


def _capacity(settings: dict[str, Any], table: dict[str, Any]) -> None:
    mode = (table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
    settings["billing_mode"] = mode
    if mode == "PROVISIONED":
        throughput = table.get("ProvisionedThroughput") or {}
        settings["read_capacity"] = throughput.get("ReadCapacityUnits")
        settings["write_capacity"] = throughput.get("WriteCapacityUnits")
        indexes = {
            i["IndexName"]: {"read_capacity": (i.get("ProvisionedThroughput") or {}).get("ReadCapacityUnits"),
                             "write_capacity": (i.get("ProvisionedThroughput") or {}).get("WriteCapacityUnits")}
            for i in table.get("GlobalSecondaryIndexes") or []
        }
        if indexes:
            settings["index_capacity"] = indexes
        return
    limits = _on_demand(table.get("OnDemandThroughput"))
    if limits:
        settings["on_demand_throughput"] = limits


def _on_demand(throughput: Any) -> dict[str, int]:
    """DynamoDB reports an unset maximum as -1 (or leaves it out)."""
    given = throughput or {}
    limits = {"max_read_request_units": given.get("MaxReadRequestUnits"),
              "max_write_request_units": given.get("MaxWriteRequestUnits")}
    return {k: v for k, v in limits.items() if isinstance(v, int) and v > 0}


def _missing(draft: Draft, command: str, what: str) -> None:
    draft.warn(f"no `aws {command}` document for table {draft.table_name}: {what}")


def _ttl(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    if docs.ttl is None:
        _missing(draft, "dynamodb describe-time-to-live", "time to live left off")
        return
    if docs.ttl.get("TimeToLiveStatus") in ON:
        settings["ttl"] = {"enabled": True, "attribute_name": docs.ttl.get("AttributeName")}
    else:
        settings["ttl"] = {"enabled": False}


def _recovery(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    if docs.backups is None:
        _missing(draft, "dynamodb describe-continuous-backups", "point-in-time recovery left at dyngen's default (on)")
        return
    pitr = docs.backups.get("PointInTimeRecoveryDescription") or {}
    if pitr.get("PointInTimeRecoveryStatus") in ON:
        days = pitr.get("RecoveryPeriodInDays") or 35  # DynamoDB's default
        settings["point_in_time_recovery"] = {"enabled": True, "recovery_period_days": days}
    else:
        settings["point_in_time_recovery"] = {"enabled": False}


def _encryption(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    sse = docs.table.get("SSEDescription") or {}
    if sse.get("Status") not in ON + ("UPDATING",):
        settings["encryption"] = {"enabled": False}  # no SSEDescription: DynamoDB's AWS-owned key
        return
    arn = sse.get("KMSMasterKeyArn")
    if _is_aws_managed(draft, docs, arn):
        settings["encryption"] = {"enabled": True}
    else:
        settings["encryption"] = {"enabled": True, "kms_key_arn": arn}


def _is_aws_managed(draft: Draft, docs: TableDocuments, arn: Any) -> bool:
    if not arn:
        return True
    key = docs.keys.get(arn)
    if key is None:
        draft.warn(f"table {draft.table_name}: no `aws kms describe-key` document for {arn}; kept as a "
                   "customer-managed key (give the describe-key output if it is the AWS-managed key aws/dynamodb)")
        return False
    return key.get("KeyManager") == "AWS"


def _replicas(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    own = settings.get("region")
    replicas = []
    table_class = settings["table_class"]
    pitr = bool((settings.get("point_in_time_recovery") or {"enabled": True}).get("enabled"))
    for raw in replicas_raw(docs, own):
        replica: dict[str, Any] = {"region_name": raw.get("RegionName")}
        if raw.get("KMSMasterKeyId"):
            replica["kms_key_arn"] = raw["KMSMasterKeyId"]
        # Terraform says these; describe-table does not (propagate_tags is no AWS setting: an import reads false)
        replica["point_in_time_recovery"] = raw.get(REPLICA_RECOVERY, pitr)
        replica["propagate_tags"] = raw.get(REPLICA_TAGS, False)
        protected = raw.get(REPLICA_DELETION_PROTECTION)  # None: unknown, so protected like its table
        if protected is not None and protected != bool(settings.get("deletion_protection")):
            replica["deletion_protection"] = protected
        replicas.append(replica)
        other_class = (raw.get("ReplicaTableClassSummary") or {}).get("TableClass")
        if other_class and other_class != table_class:
            draft.warn(f"replica {raw.get('RegionName')} has table class {other_class}; the spec "
                       f"gives every replica the table's ({table_class})")
    if replicas:
        settings["replicas"] = replicas
    if any(REPLICA_RECOVERY not in raw for raw in replicas_raw(docs, own)):
        draft.warn("describe-table does not say whether replicas have point-in-time recovery: "
                   "the spec gives them the table's setting; propagate_tags is false as Terraform "
                   "imports it (set it to true to copy the table's tags to the replicas)")
    unknown = [r for r in replicas_raw(docs, own) if REPLICA_DELETION_PROTECTION not in r]
    if settings.get("deletion_protection") and unknown:
        draft.warn("describe-table does not say whether replicas are protected from deletion: the spec protects "
                   "them like the table (set replicas[].deletion_protection to false where a replica is not)")


def replicas_raw(docs: TableDocuments, own: str | None) -> list[dict[str, Any]]:
    return [raw for raw in docs.table.get("Replicas") or [] if raw.get("RegionName") != own]


def _tags(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    if docs.tags is None:
        _missing(draft, "dynamodb list-tags-of-resource", "no tags imported (a plan would remove the table's tags)")
        return
    # `aws:` tags belong to AWS services (CloudFormation, ...): Terraform cannot set them.
    tags = {t["Key"]: t.get("Value", "") for t in docs.tags if not str(t.get("Key", "")).startswith("aws:")}
    if tags:
        settings["tags"] = dict(sorted(tags.items()))


def _autoscaling(draft: Draft, settings: dict[str, Any], docs: TableDocuments) -> None:
    if settings["billing_mode"] != "PROVISIONED":
        return
    if docs.targets is None:
        _missing(draft, "application-autoscaling describe-scalable-targets", "autoscaling left off")
        return
    table_id = f"table/{draft.table_name}"
    found = {d: _bounds(draft, docs, table_id, "table", unit) for d, unit in UNITS.items()}
    bounds = {d: b for d, b in found.items() if b is not None}
    if len(bounds) < len(UNITS):
        if bounds:
            draft.warn("only one of read and write capacity autoscales; dyngen scales both or neither: "
                       "autoscaling left off")
        return
    settings["autoscaling"] = {"enabled": True, "read": bounds["read"][0], "write": bounds["write"][0],
                               "indexes": _indexes_scale(draft, docs, bounds), **bounds["read"][1]}


Bounds = tuple[dict[str, Any], dict[str, Any]]  # (min, max and target of one direction; cooldowns)


def _bounds(draft: Draft, docs: TableDocuments, resource: str, kind: str, unit: str) -> Bounds | None:
    dimension = f"dynamodb:{kind}:{unit}"
    target = next((t for t in docs.targets or [] if t.get("ResourceId") == resource
                   and t.get("ScalableDimension") == dimension), None)
    if target is None:
        return None
    bounds: dict[str, Any] = {"min_capacity": target.get("MinCapacity"), "max_capacity": target.get("MaxCapacity")}
    cooldowns: dict[str, Any] = {}
    policy = next((p for p in docs.policies or [] if p.get("ResourceId") == resource
                   and p.get("ScalableDimension") == dimension
                   and p.get("PolicyType") == "TargetTrackingScaling"), None)
    if policy is None:
        draft.warn(f"no target-tracking scaling policy for {resource} {dimension}"
                   f"{'' if docs.policies is not None else ' (no describe-scaling-policies document)'}:"
                   " the target utilization is dyngen's default")
    else:
        config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
        bounds["target_utilization"] = _whole(config.get("TargetValue"))
        cooldowns = {"scale_in_cooldown": config.get("ScaleInCooldown", 0),
                     "scale_out_cooldown": config.get("ScaleOutCooldown", 0)}
    return bounds, cooldowns


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _indexes_scale(draft: Draft, docs: TableDocuments, table_bounds: dict[str, Any]) -> bool:
    names = [i["IndexName"] for i in docs.table.get("GlobalSecondaryIndexes") or []]
    found = {n: {d: _bounds(draft, docs, f"table/{draft.table_name}/index/{n}", "index", u) for d, u in UNITS.items()}
             for n in names}
    scaled = {n: {d: b for d, b in bounds.items() if b is not None} for n, bounds in found.items()
              if all(bounds.values())}
    if scaled and len(scaled) < len(names):
        draft.warn("some global indexes autoscale and others "
                   "do not; dyngen scales all or none: indexes will autoscale")
    for name, bounds in scaled.items():
        if any(bounds[d][0] != table_bounds[d][0] for d in UNITS):
            draft.warn(f"index {name} autoscales within other "
                       "bounds than the table; dyngen scales indexes within the table's bounds")
    return bool(scaled)
