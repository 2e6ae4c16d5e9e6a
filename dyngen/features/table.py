"""The aws_dynamodb_table itself: keys, attributes and indexes as literals; everything an environment varies as
variables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import facts, hcl, schema
from dyngen.facts import customer_key_mode, has_values, is_autoscaled, multi_region_key
from dyngen.features import BASE_PROVIDER, Feature, Output
from dyngen.model import Index, Settings, Spec
from dyngen.variables import (
    Validation,
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
    version_key,
)

SUMMARY = (
    "The table (`aws_dynamodb_table`): keys, attributes, indexes, capacity, stream, TTL, encryption, inline replicas; "
    "the check that its indexes match the spec."
)
# Arguments newer than the provider's 5.0.0 release, with the release that introduced them.
ON_DEMAND_THROUGHPUT_MINIMUM = "5.50.0"
RECOVERY_PERIOD_MINIMUM = "5.81.0"
WARM_THROUGHPUT_MINIMUM = "6.13.0"
# Replicas as aws_dynamodb_table_replica resources name their region with the per-resource `region` argument of 6.0.0.
REGION_ARGUMENT_MINIMUM = "6.0.0"
CONSISTENCY_MODE_MINIMUM = "6.3.0"  # replica.consistency_mode
WITNESS_MINIMUM = "6.22.0"  # global_table_witness
REPLICA_DELETION_PROTECTION_MINIMUM = "6.9.0"  # replica.deletion_protection_enabled


@dataclass(frozen=True)
class TableResource:
    """One `aws_dynamodb_table` block; see the module README, "Where the table lives", for why there can be two."""

    name: str
    count: str | None
    ignore_changes: tuple[str, ...]
    inline_replicas: bool = False  # replicas as `replica` blocks; elsewhere aws_dynamodb_table_replica resources

    @property
    def counted_although_single(self) -> bool:
        """Always one: counted anyway so the address stays this[0] when an environment later turns autoscaling on."""
        return self.count == "1"

    @property
    def ignore_changes_list(self) -> str:
        return hcl.expressions(self.ignore_changes)


@dataclass(frozen=True)
class IndexView:
    index: Index
    read_capacity: str | None
    write_capacity: str | None


def used(spec: Spec) -> bool:
    return True


# --- what the spec uses, across all of its environments ----------------------------------------------------------


def provisioned(spec: Spec) -> bool:
    return any_environment(spec, facts.provisioned)


def autoscaled(spec: Spec) -> bool:
    return any_environment(spec, is_autoscaled)


def autoscales_indexes(spec: Spec) -> bool:
    return bool(spec.global_indexes) and any_environment(spec, facts.autoscales_indexes)


def on_demand_throughput(spec: Spec) -> bool:
    return any_environment(spec, facts.on_demand_throughput_set)


def streams(spec: Spec) -> bool:
    return any_environment(spec, setting("stream", "enabled"))


def ttl(spec: Spec) -> bool:
    return any_environment(spec, setting("ttl", "attribute_name"))


def recovery_period(spec: Spec) -> bool:
    return any_environment(spec, setting("point_in_time_recovery", "recovery_period_days"))


def existing_key(spec: Spec) -> bool:
    return any_environment(spec, lambda s: customer_key_mode(s) == "existing")


def created_key(spec: Spec) -> bool:
    return any_environment(spec, lambda s: customer_key_mode(s) == "created")


def replicas(spec: Spec) -> bool:
    return any_environment(spec, lambda s: bool(s.get("replicas")))


def replica_resources(spec: Spec) -> bool:
    return any_environment(spec, facts.replica_resources)


def replica_keys_created(spec: Spec) -> bool:
    return replicas(spec) and any_environment(spec, multi_region_key)


def replica_kms_key_expression(spec: Spec, replica: str) -> str | None:
    """The key of one replica (`replica` is `replica.value` or `each.value`): its own key, else the replica of the
    table's multi-Region key in its region."""
    own = f"{replica}.kms_key_arn"
    if replica_keys_created(spec):
        return f"{own} != null ? {own} : lookup(local.replica_kms_key_arns, {replica}.region_name, null)"
    explicit = any_environment(spec, lambda s: any(r.get("kms_key_arn") for r in s.get("replicas") or []))
    return own if explicit else None


def replica_uses(spec: Spec, key: str) -> bool:
    return any_environment(spec, lambda s: any(r.get(key) is not None for r in s.get("replicas") or []))


def replica_deletion_protection(r: Settings, s: Settings) -> bool:
    """A replica is protected as the replica says, else as its table is."""
    own = r.get("deletion_protection")
    return bool(s.get("deletion_protection")) if own is None else bool(own)


def protects_replicas(spec: Spec) -> bool:
    """Whether some replica is protected or says whether it is: only then is the argument (6.9.0) rendered."""
    return any_environment(spec, lambda s: any(
        r.get("deletion_protection") is not None or replica_deletion_protection(r, s) for r in s.get("replicas") or []))


def strongly_consistent(spec: Spec) -> bool:
    return any_environment(spec, facts.strong_consistency)


def witness(spec: Spec) -> bool:
    return any_environment(spec, lambda s: s.get("global_table_witness") is not None)


def imports(spec: Spec) -> bool:
    return any_environment(spec, lambda s: s.get("import_from_s3") is not None)


def warm_throughput(spec: Spec) -> bool:
    return any_environment(spec, lambda s: has_values(s.get("warm_throughput")))


def index_warm_throughput(spec: Spec) -> bool:
    return any_environment(spec, lambda s: bool(_per_index(s, "index_warm_throughput")))


def index_on_demand_throughput(spec: Spec) -> bool:
    return any_environment(spec, lambda s: bool(_per_index(s, "index_on_demand_throughput")))


def restores(spec: Spec) -> bool:
    return any_environment(spec, lambda s: s.get("restore_from_point_in_time") is not None)


def timeouts(spec: Spec) -> bool:
    return any_environment(spec, lambda s: has_values(s.get("timeouts")))



def _per_index(s: Settings, key: str) -> dict[str, dict[str, Any]]:
    """{index name: its settings without nulls}, for the indexes that set something (null removes an override)."""
    found = {name: _without_nulls(dict(value or {})) for name, value in sorted((s.get(key) or {}).items())}
    return {name: value for name, value in found.items() if value}


def index_names_expression(spec: Spec) -> str:
    """The global indexes that per-index resources (autoscaling, contributor insights) follow. Where the table
    ignores index changes they follow the indexes it really has, so that an index added to the spec but not yet
    to the table gets no resources that would fail; elsewhere, the spec's."""
    if autoscales_indexes(spec):
        return "local.index_names"
    return f"toset({hcl.encode(sorted(i.name for i in spec.global_indexes))})"


def kms_key_arn_expression(spec: Spec) -> str | None:
    if created_key(spec):
        return "local.kms_key_arn"
    return "var.kms_key_arn" if existing_key(spec) else None


def provider_minimum(spec: Spec) -> str:
    needed = [BASE_PROVIDER]
    if on_demand_throughput(spec):
        needed.append(ON_DEMAND_THROUGHPUT_MINIMUM)
    if recovery_period(spec):
        needed.append(RECOVERY_PERIOD_MINIMUM)
    if warm_throughput(spec) or index_warm_throughput(spec):
        needed.append(WARM_THROUGHPUT_MINIMUM)
    if replica_resources(spec):
        needed.append(REGION_ARGUMENT_MINIMUM)
    if replica_uses(spec, "consistency_mode"):
        needed.append(CONSISTENCY_MODE_MINIMUM)
    if witness(spec):
        needed.append(WITNESS_MINIMUM)
    if protects_replicas(spec):
        needed.append(REPLICA_DELETION_PROTECTION_MINIMUM)
    return max(needed, key=version_key)


# --- variables ----------------------------------------------------------------------------------------------------


def variables(spec: Spec) -> list[Variable]:
    found: list[Variable] = [
        Variable(
            "table_name", "string", "Name of the DynamoDB table.",
            {env.name: env.table_name for env in spec.environments},
            validations=(Validation(f"can(regex({hcl.quote(facts.TABLE_NAME.pattern)}, var.table_name))",
                                    "table_name must be 3 to 255 of A-Z a-z 0-9 _ . -."),),
        ),
        Variable("billing_mode", "string", "PAY_PER_REQUEST (on demand) or PROVISIONED capacity.",
                 per_environment(spec, setting("billing_mode")), rule="billing_mode"),
    ]
    if provisioned(spec):
        found += _capacity_variables(spec)
    if on_demand_throughput(spec):
        for direction in ("read", "write"):
            found.append(Variable(
                f"max_{direction}_request_units", "number",
                f"Most {direction} request units per second an on-demand table may consume; null for no limit.",
                per_environment(spec, setting("on_demand_throughput", f"max_{direction}_request_units")),
                rule="capacity", nullable=True,
            ))
    found += _throughput_variables(spec)
    found += [
        Variable("table_class", "string", "Storage class of the table.",
                 per_environment(spec, setting("table_class")), rule="table_class"),
        Variable("deletion_protection_enabled", "bool", "Refuse DeleteTable calls while true.",
                 per_environment(spec, lambda s: bool(s.get("deletion_protection")))),
    ]
    found += _stream_and_ttl_variables(spec)
    found += _recovery_variables(spec)
    found += _encryption_variables(spec)
    if replicas(spec):
        found.append(_replicas_variable(spec))
    if witness(spec):
        found.append(_witness_variable(spec))
    if imports(spec):
        found.append(_import_variable(spec))
    if restores(spec):
        found.append(_restore_variable(spec))
    if timeouts(spec):
        found.append(_timeouts_variable(spec))
    found.append(Variable("tags", "map(string)", "Tags for every resource of the module.",
                          per_environment(spec, lambda s: dict(sorted((s.get("tags") or {}).items())))))
    return found


def _capacity_variables(spec: Spec) -> list[Variable]:
    found = [Variable("autoscaling_enabled", "bool",
                      "Let Application Auto Scaling own the provisioned capacity (moves the table between the "
                      "module's two table resources; see README).", per_environment(spec, is_autoscaled))]
    for direction in ("read", "write"):
        found.append(Variable(
            f"{direction}_capacity", "number",
            f"Provisioned {direction} capacity units; with autoscaling, only the capacity the table is created with.",
            per_environment(spec, lambda s: initial_capacity(s, direction)), rule="capacity", nullable=True,
        ))
    if spec.global_indexes:
        for direction in ("read", "write"):
            found.append(Variable(
                f"index_{direction}_capacity", "map(number)",
                f"Provisioned {direction} capacity of each global secondary index, by index name.",
                per_environment(spec, lambda s: index_capacity(spec, s, direction)),
                rule="capacity", element_rule=True,
            ))
    return found


def initial_capacity(s: Settings, direction: str) -> int | None:
    """The table's capacity; an autoscaled table without one starts at its autoscaling minimum."""
    if not facts.provisioned(s):
        return None
    capacity: int | None = s.get(f"{direction}_capacity")
    if capacity is None:
        capacity = setting("autoscaling", direction, "min_capacity")(s)
    return capacity


def index_capacity(spec: Spec, s: Settings, direction: str) -> dict[str, int]:
    if not facts.provisioned(s):
        return {}
    table = initial_capacity(s, direction)
    given = s.get("index_capacity") or {}
    return {
        index.name: setting(index.name, f"{direction}_capacity", default=table)(given)
        for index in sorted(spec.global_indexes, key=lambda i: i.name)
    }


def _stream_and_ttl_variables(spec: Spec) -> list[Variable]:
    found = []
    if streams(spec):
        found += [
            Variable("stream_enabled", "bool", "Publish item changes to a DynamoDB stream.",
                     per_environment(spec, lambda s: bool(setting("stream", "enabled")(s)))),
            Variable("stream_view_type", "string", "What each stream record holds; null while the stream is off.",
                     per_environment(spec, setting_when(setting("stream", "enabled"), "stream", "view_type")),
                     rule="stream_view_type", nullable=True),
        ]
    if ttl(spec):
        found += [
            Variable("ttl_enabled", "bool", "Expire items whose TTL attribute (epoch seconds) is in the past.",
                     per_environment(spec, lambda s: bool(setting("ttl", "enabled")(s)))),
            Variable("ttl_attribute_name", "string", "Name of the TTL attribute; null leaves TTL unconfigured.",
                     per_environment(spec, setting("ttl", "attribute_name")), nullable=True),
        ]
    return found


def _recovery_variables(spec: Spec) -> list[Variable]:
    found = [Variable("point_in_time_recovery_enabled", "bool", "Continuous backups with point-in-time recovery.",
                      per_environment(spec, lambda s: bool(setting("point_in_time_recovery", "enabled")(s))))]
    if recovery_period(spec):
        found.append(Variable(
            "point_in_time_recovery_period_days", "number",
            "Days of point-in-time recovery history; null keeps the AWS default (35).",
            per_environment(spec, setting("point_in_time_recovery", "recovery_period_days")),
            rule="recovery_period_days", nullable=True,
        ))
    return found


def _encryption_variables(spec: Spec) -> list[Variable]:
    found = [Variable(
        "server_side_encryption_enabled", "bool",
        "true: a KMS key (AWS-managed unless a customer key is given); false: an AWS-owned key.",
        per_environment(spec, lambda s: bool(setting("encryption", "enabled")(s))),
    )]
    if existing_key(spec):
        found.append(Variable(
            "kms_key_arn", "string", "ARN of an existing customer-managed KMS key for the table; null for none.",
            per_environment(spec, lambda s: setting("encryption", "kms_key_arn")(s)
                                        if customer_key_mode(s) == "existing" else None),
            rule="kms_key_arn", nullable=True,
        ))
    return found


# Optional attributes of the `replicas` variable, each declared only where some replica of the spec sets it.
REPLICA_OPTIONS = (("consistency_mode", "consistency_mode", "string"), ("table_class", "table_class", "string"))


def _replicas_variable(spec: Spec) -> Variable:
    options = [(key, name, kind) for key, name, kind in REPLICA_OPTIONS if replica_uses(spec, key)]
    protects = protects_replicas(spec)

    def pick(s: Settings) -> list[dict[str, Any]]:
        return [_without_nulls({
            "region_name": r["region_name"],
            "kms_key_arn": r.get("kms_key_arn"),
            "point_in_time_recovery": bool(r.get("point_in_time_recovery")),
            "propagate_tags": bool(r.get("propagate_tags")),
            "deletion_protection_enabled": replica_deletion_protection(r, s) if protects else None,
            **{name: r.get(key) for key, name, _ in options},
        }) for r in s.get("replicas") or []]

    extra = "deletion_protection_enabled = optional(bool, false)\n" if protects else ""
    extra += "".join(f"{name} = optional({kind})\n" for _, name, kind in options)
    return Variable(
        "replicas",
        "list(object({\nregion_name = string\nkms_key_arn = optional(string)\n"
        f"point_in_time_recovery = optional(bool, {_replica_default('point_in_time_recovery')})\n"
        f"propagate_tags = optional(bool, {_replica_default('propagate_tags')})\n" + extra + "}))",
        "Regions the table is replicated to (global tables version 2019.11.21).",
        per_environment(spec, pick),
    )


def _replica_default(key: str) -> str:
    """The schema's default of a replica's key, as the module variable's default."""
    replica = schema.resolve_ref(schema.property_schema(("replicas",))["items"])
    return hcl.encode(schema.default_of(replica["properties"][key]))


def _witness_variable(spec: Spec) -> Variable:
    return Variable(
        "global_table_witness_region", "string",
        "Witness Region of a multi-Region strongly consistent global table; null for none.",
        per_environment(spec, setting("global_table_witness", "region_name")), nullable=True,
        validations=(Validation(
            f"var.global_table_witness_region == null ? true : can(regex({hcl.quote(_region_pattern())}, "
            "var.global_table_witness_region))",
            "global_table_witness_region must be an AWS region code.",
        ),),
    )


def _region_pattern() -> str:
    return str(schema.definition("region")["pattern"])


def _import_variable(spec: Spec) -> Variable:
    def pick(s: Settings) -> dict[str, Any] | None:
        source = s.get("import_from_s3")
        if source is None:
            return None
        csv = source.get("csv") or {}
        value = {
            "bucket": source["bucket"],
            "key_prefix": source.get("key_prefix"),
            "bucket_owner": source.get("bucket_owner"),
            "input_format": source["input_format"],
            "input_compression_type": source.get("compression"),
            "csv_delimiter": csv.get("delimiter") if source["input_format"] == "CSV" else None,
            "csv_header_list": list(csv["header_list"]) if csv.get("header_list") else None,
        }
        return _without_nulls(value)

    return Variable(
        "import_from_s3",
        "object({\nbucket = string\nkey_prefix = optional(string)\nbucket_owner = optional(string)\n"
        "input_format = string\ninput_compression_type = optional(string)\ncsv_delimiter = optional(string)\n"
        "csv_header_list = optional(list(string))\n})",
        "Create the table from an S3 export (only when the table is created); null for an empty table.",
        per_environment(spec, pick),
        nullable=True,
    )


WARM_THROUGHPUT_TYPE = (
    "object({\nread_units_per_second = optional(number)\nwrite_units_per_second = optional(number)\n})"
)
ON_DEMAND_TYPE = "object({\nmax_read_request_units = optional(number)\nmax_write_request_units = optional(number)\n})"


def _throughput_variables(spec: Spec) -> list[Variable]:
    """Warm throughput of the table and of each index, and the on-demand limits of each index."""
    found = []
    if warm_throughput(spec):
        found.append(Variable(
            "warm_throughput", WARM_THROUGHPUT_TYPE,
            "Read and write units per second the table serves at once (pre-warming); raise only: lowering it "
            "replaces the table. null: DynamoDB's value.",
            per_environment(spec, lambda s: _without_nulls(dict(s.get("warm_throughput") or {})) or None),
            nullable=True,
        ))
    if index_warm_throughput(spec):
        found.append(Variable(
            "index_warm_throughput", f"map({WARM_THROUGHPUT_TYPE})",
            "Warm throughput of global secondary indexes, by index name; an index not named keeps DynamoDB's value.",
            per_environment(spec, lambda s: _per_index(s, "index_warm_throughput")),
        ))
    if index_on_demand_throughput(spec):
        found.append(Variable(
            "index_on_demand_throughput", f"map({ON_DEMAND_TYPE})",
            "Most request units per second an on-demand global secondary index may consume, by index name; an index "
            "not named is unlimited.",
            per_environment(spec, lambda s: _per_index(s, "index_on_demand_throughput")),
        ))
    return found


def _restore_variable(spec: Spec) -> Variable:
    return Variable(
        "restore_from_point_in_time",
        "object({\nsource_table_name = optional(string)\nsource_table_arn = optional(string)\n"
        "restore_date_time = optional(string)\nrestore_to_latest_time = optional(bool)\n})",
        "Create the table as a point-in-time restore of another table (only when the table is created); null for "
        "an empty table.",
        per_environment(spec, lambda s: _without_nulls(dict(s["restore_from_point_in_time"]))
                        if s.get("restore_from_point_in_time") is not None else None),
        nullable=True,
    )


def _timeouts_variable(spec: Spec) -> Variable:
    return Variable(
        "table_timeouts",
        "object({\ncreate = optional(string)\nupdate = optional(string)\ndelete = optional(string)\n})",
        "How long Terraform waits for the table to be created, updated or deleted (Go durations such as 60m); "
        "null: the provider's defaults.",
        per_environment(spec, lambda s: _without_nulls(dict(s.get("timeouts") or {})) or None),
        nullable=True,
    )


def _without_nulls(value: dict[str, Any]) -> dict[str, Any]:
    """Optional object attributes are left out rather than written as null."""
    return {k: v for k, v in value.items() if v is not None}


# --- what the partial lays out ------------------------------------------------------------------------------------


# A restore acts only when the table is created; the provider would replace the table when these change later.
RESTORE_ARGUMENTS = ("restore_source_name", "restore_source_table_arn", "restore_date_time", "restore_to_latest_time")


def resources(spec: Spec) -> tuple[TableResource, ...]:
    """The table resources, always counted so that the table's address is `this[0]` or `autoscaled[0]` whatever
    the spec says: an environment that switches autoscaling on or off moves its state between two stable addresses
    (module README: "Where the table lives"). An on-demand spec needs only `this`."""
    ignore = (("import_table",) if imports(spec) else ()) + (RESTORE_ARGUMENTS if restores(spec) else ())
    if not provisioned(spec):
        return (TableResource("this", "1", ignore, inline_replicas=True),)
    owned = ("read_capacity", "write_capacity") + (("global_secondary_index",) if autoscales_indexes(spec) else ())
    separate = replica_resources(spec)
    return (
        TableResource("this", "var.autoscaling_enabled ? 0 : 1", ignore, inline_replicas=True),
        TableResource("autoscaled", "var.autoscaling_enabled ? 1 : 0",
                      owned + (("replica",) if separate else ()) + ignore,
                      inline_replicas=not separate),
    )


def context(spec: Spec) -> dict[str, Any]:
    capacity = provisioned(spec)
    return {
        "resources": resources(spec),
        "single_resource": not provisioned(spec),
        "global_indexes": [
            IndexView(
                index,
                f"lookup(var.index_read_capacity, {hcl.quote(index.name)}, null)" if capacity else None,
                f"lookup(var.index_write_capacity, {hcl.quote(index.name)}, null)" if capacity else None,
            )
            for index in spec.global_indexes
        ],
        "provisioned": capacity,
        "on_demand_throughput": on_demand_throughput(spec),
        "streams": streams(spec),
        "ttl": ttl(spec),
        "recovery_period": recovery_period(spec),
        "kms_key_arn": kms_key_arn_expression(spec),
        "replicas": replicas(spec),
        "replica_kms_key_arn": replica_kms_key_expression(spec, "replica.value"),
        "consistency_mode": replica_uses(spec, "consistency_mode"),
        "replica_deletion_protection": protects_replicas(spec),
        "witness": witness(spec),
        "imports": imports(spec),
        "warm_throughput": warm_throughput(spec),
        "index_warm_throughput": index_warm_throughput(spec),
        "index_on_demand_throughput": index_on_demand_throughput(spec),
        "restores": restores(spec),
        "timeouts": timeouts(spec),
        "ignores_indexes": autoscales_indexes(spec),
        "spec_index_names": hcl.encode(sorted(i.name for i in spec.global_indexes)),
    }


def outputs(spec: Spec) -> list[Output]:
    found = [
        Output("table_name", "Name of the table.", "local.table.name"),
        Output("table_arn", "ARN of the table.", "local.table.arn"),
        Output("table_id", "ID of the table.", "local.table.id"),
    ]
    if streams(spec):
        found += [
            Output("table_stream_arn", "ARN of the table's stream; null while the stream is off.",
                   "local.table.stream_arn"),
            Output("table_stream_label", "Timestamp label of the table's stream.", "local.table.stream_label"),
        ]
    if spec.global_indexes or spec.local_indexes:
        found.append(Output(
            "index_names", "Names of the table's secondary indexes.",
            "sort(concat([for i in local.table.global_secondary_index : i.name], "
            "[for i in local.table.local_secondary_index : i.name]))",
        ))
    if replicas(spec):
        inline = "{ for r in local.table.replica : r.region_name => r.arn }"
        separate = "{ for region, r in aws_dynamodb_table_replica.this : region => r.arn }"
        found.append(Output("replica_arns", "ARN of each replica, by region.",
                            f"merge({inline}, {separate})" if replica_resources(spec) else inline))
    return found


FEATURE = Feature(
    name="table",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    provider_minimum=provider_minimum,
)
