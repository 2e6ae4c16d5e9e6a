"""Rules on each environment's settings, as it will be rendered."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterator, Mapping

from dyngen import facts, model
from dyngen.errors import Problem
from dyngen.facts import BACKUP_COLD_STORAGE_MINIMUM_DAYS, TABLE_NAME
from dyngen.rules.checker import Checker, Settings

ALARM_WINDOW_LIMIT = 86_400  # seconds; CloudWatch's limit on period x evaluation periods below an hourly period
ALARM_WINDOW_LIMIT_HOURLY = 7 * 86_400
# Multi-Region strong consistency (MRSC), as the DynamoDB docs state it: "A MRSC global table can be configured with
# either three replicas, or with two replicas and one witness", all "within the same Region set"
# (API_CreateGlobalTableWitnessGroupMemberAction); TTL and transactions are not supported (V2globaltables_HowItWorks).
MRSC_DOCS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html"
MRSC_REGION_COUNT = 3
MRSC_REGION_SETS = {
    "US": ("us-east-1", "us-east-2", "us-west-2"),
    "EU": ("eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"),
    "AP": ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3"),
}




def rendered_table_name(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    if model.unknown_placeholders(model.table_name_template(c.data)):
        return
    name = model.table_name(c.data, env)
    if not TABLE_NAME.match(name):
        path = ("table_name",) if c.data.get("table_name") else ("environments", env)
        shown = name if len(name) <= 60 else name[:57] + "..."
        yield c.at(
            path, f"table name `{shown}` ({len(name)} character{'s' if len(name) != 1 else ''}, environment {env}) "
            "must be 3 to 255 of A-Z a-z 0-9 _ . -"
        )


def billing_mode_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    provisioned = facts.provisioned(s)
    mode = s.get("billing_mode")
    if not provisioned:
        for key in ("read_capacity", "write_capacity"):
            if s.get(key) is not None:
                yield c.at_env(env, (key,),
                               f"`{key}` goes only with billing_mode PROVISIONED (environment {env} is {mode})",
                               because=(("billing_mode",),))
        if s.get("index_capacity"):
            yield c.at_env(env, ("index_capacity",),
                           f"`index_capacity` goes only with billing_mode PROVISIONED (environment {env} is {mode})",
                           because=(("billing_mode",),))
        if facts.enabled(s, "autoscaling"):
            yield c.at_env(env, ("autoscaling", "enabled"),
                           f"autoscaling goes only with billing_mode PROVISIONED (environment {env} is {mode})",
                           because=(("billing_mode",),))
    elif facts.on_demand_throughput_set(s):
        yield c.at_env(
            env, ("on_demand_throughput",),
            f"`on_demand_throughput` goes only with billing_mode PAY_PER_REQUEST (environment {env} is PROVISIONED; "
            "set it to null there)",
            because=(("billing_mode",),),
        )
    if provisioned and not facts.enabled(s, "autoscaling"):
        for key in ("read_capacity", "write_capacity"):
            if s.get(key) is None:
                yield c.at_env(env, ("billing_mode",), f"billing_mode PROVISIONED needs `{key}` (environment {env})")


def capacity_within_autoscaling(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    if not facts.is_autoscaled(s):
        return
    for direction in ("read", "write"):
        bounds = s["autoscaling"].get(direction) or {}
        low, high = bounds.get("min_capacity"), bounds.get("max_capacity")
        if low is None or high is None:
            continue
        if low > high:
            yield c.at_env(env, ("autoscaling", direction, "min_capacity"),
                           f"autoscaling {direction}: min_capacity {low} is above max_capacity {high}")
        capacity = s.get(f"{direction}_capacity")
        if capacity is not None and not low <= capacity <= high:
            yield c.at_env(
                env, (f"{direction}_capacity",),
                f"{direction}_capacity {capacity} is outside the autoscaling range {low}..{high} (environment {env})",
                because=(("autoscaling", direction), ("autoscaling",)),
            )


def index_capacity_names(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    names = {index["name"] for index in c.data.get("global_secondary_indexes") or []}
    for name in s.get("index_capacity") or {}:
        if name not in names:
            path = c.written(env, ("index_capacity", name))
            line, column = c.document.locate(path, key=True)
            known = ", ".join(sorted(names)) or "none"
            yield Problem(c.document.file, line, column,
                          f"index_capacity names `{name}`, which is not a global secondary index (known: {known})",
                          path)


def stream_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    stream = s.get("stream") or {}
    strong = facts.strong_consistency(s)  # MRSC replicates without streams
    streams_images = stream.get("enabled") and stream.get("view_type") == "NEW_AND_OLD_IMAGES"
    if s.get("replicas") and not strong and not streams_images:
        yield c.at_env(
            env, ("replicas",),
            f"replicas need `stream: {{enabled: true, view_type: NEW_AND_OLD_IMAGES}}` (environment {env})",
            because=(("stream", "view_type"), ("stream", "enabled"), ("stream",)),
        )
    if stream.get("enabled") and not stream.get("view_type"):
        yield c.at_env(env, ("stream", "enabled"), f"an enabled stream needs a `view_type` (environment {env})",
                       because=(("stream", "view_type"),))


def ttl_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    ttl = s.get("ttl") or {}
    name = ttl.get("attribute_name")
    if ttl.get("enabled") and not name:
        yield c.at_env(env, ("ttl", "enabled"), f"TTL needs an `attribute_name` (environment {env})")
    declared = c.data["attributes"].get(name) if name else None
    if declared is not None and declared != "N":
        yield c.at_env(
            env, ("ttl", "attribute_name"),
            f"TTL attribute `{name}` is a key attribute of type {declared}; DynamoDB only expires items whose TTL "
            "attribute is a Number (N)",
        )


def recovery_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    pitr = s.get("point_in_time_recovery") or {}
    if pitr.get("recovery_period_days") is not None and not pitr.get("enabled"):
        yield c.at_env(
            env, ("point_in_time_recovery", "recovery_period_days"),
            f"a recovery period needs point_in_time_recovery enabled (environment {env})",
            because=(("point_in_time_recovery", "enabled"), ("point_in_time_recovery",)),
        )


def encryption_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    resolved = c.resolved.environments[env]
    user = {k: v for k, v in (s.get("encryption") or {}).items() if resolved.origin(("encryption", k)).written}
    if user.get("create_kms_key") and user.get("kms_key_arn"):
        yield c.at_env(
            env, ("encryption", "kms_key_arn"),
            f"`create_kms_key` and `kms_key_arn` exclude each other: use an existing key or make one "
            f"(environment {env})",
            because=(("encryption", "create_kms_key"),),
        )
    encryption = s.get("encryption") or {}
    if not encryption.get("enabled") and (user.get("kms_key_arn") or user.get("create_kms_key")):
        yield c.at_env(
            env, ("encryption", "enabled"),
            f"a customer-managed key needs `encryption.enabled: true` (environment {env})",
            because=(("encryption", "kms_key_arn"), ("encryption", "create_kms_key")),
        )


def replica_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    replicas = s.get("replicas") or []
    seen: Counter[str] = Counter()
    customer_key = facts.customer_key_mode(s) is not None
    for i, replica in enumerate(replicas):
        region = replica["region_name"]
        if region == s.get("region"):
            yield c.at_env(env, ("replicas", i, "region_name"),
                           f"replica region `{region}` is the table's own region (environment {env})")
        seen[region] += 1
        if seen[region] == 2:
            yield c.at_env(env, ("replicas", i, "region_name"),
                           f"replica region `{region}` is listed twice (environment {env})")
        if customer_key and not replica.get("kms_key_arn") and not facts.multi_region_key(s):
            yield c.at_env(
                env, ("replicas", i),
                f"the table is encrypted with a customer-managed key that dyngen does not create as a multi-Region "
                f"key, "
                f"so replica `{region}` needs its own `kms_key_arn` (a KMS key lives in one region; with "
                f"`create_kms_key` dyngen replicates the key to the replica's region) (environment {env})",
                because=(("encryption",),),
            )
        if not customer_key and replica.get("kms_key_arn"):
            yield c.at_env(env, ("replicas", i, "kms_key_arn"),
                           f"replica `{region}` sets a kms_key_arn but the table uses no customer-managed key "
                           f"(environment {env})")
    if replicas and not s.get("region"):
        yield c.at_env(env, ("replicas",), f"replicas need the table's `region` to be set (environment {env})")
    yield from _provisioned_replicas(c, env, s)


def _provisioned_replicas(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """DynamoDB accepts replicas of a provisioned table only once its write capacity autoscales, and wants the write
    capacity of the table and its global indexes managed alike; dyngen then creates the replicas after the scaling
    policies (aws_dynamodb_table_replica)."""
    if not s.get("replicas") or not facts.provisioned(s):
        return
    if not facts.enabled(s, "autoscaling"):
        yield c.at_env(
            env, ("replicas",),
            f"replicas of a PROVISIONED table need `autoscaling.enabled: true`: DynamoDB accepts replicas of a "
            f"provisioned table only once its write capacity autoscales (or use billing_mode PAY_PER_REQUEST) "
            f"(environment {env})",
            because=(("billing_mode",), ("autoscaling", "enabled"), ("autoscaling",)),
        )
    elif c.data.get("global_secondary_indexes") and not facts.autoscales_indexes(s):
        yield c.at_env(
            env, ("autoscaling", "indexes"),
            f"replicas of a PROVISIONED table with global secondary indexes need `autoscaling.indexes: true`: a "
            f"global table manages the write capacity of its indexes like the table's (environment {env})",
            because=(("autoscaling",),),
        )


def consistency_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """One consistency mode per global table, and the witness only for multi-Region strong consistency."""
    replicas = s.get("replicas") or []
    modes = [r.get("consistency_mode") or "EVENTUAL" for r in replicas]
    for i, mode in enumerate(modes):
        if mode != modes[0]:
            yield c.at_env(
                env, ("replicas", i, "consistency_mode"),
                f"replica `{replicas[i]['region_name']}` is {mode} but replica `{replicas[0]['region_name']}` is "
                f"{modes[0]}: a global table cannot contain replicas configured with different consistency modes "
                f"(DynamoDB, {MRSC_DOCS}) (environment {env})",
            )
    if s.get("global_table_witness") is not None and "STRONG" not in modes:
        yield c.at_env(
            env, ("global_table_witness",),
            f"a `global_table_witness` goes only with replicas whose consistency_mode is STRONG (multi-Region strong "
            f"consistency) (environment {env})",
        )
    if modes and all(mode == "STRONG" for mode in modes):
        yield from _strong_consistency(c, env, s)


def _strong_consistency(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    replicas = s["replicas"]
    witness = (s.get("global_table_witness") or {}).get("region_name")
    count = 1 + len(replicas) + (1 if witness else 0)
    if count != MRSC_REGION_COUNT:
        yield c.at_env(
            env, ("replicas",),
            f"multi-Region strong consistency needs exactly three Regions: the table and two replicas, or the table, "
            f"one replica and a `global_table_witness` (found {count}) (DynamoDB: \"A MRSC global table can be "
            f"configured with either three replicas, or with two replicas and one witness\") (environment {env})",
        )
    yield from _strong_consistency_regions(c, env, s, witness)
    yield from _strong_consistency_features(c, env, s)


def _strong_consistency_regions(c: Checker, env: str, s: Settings, witness: str | None) -> Iterator[Problem]:
    table_region = s.get("region")
    if not table_region:
        return  # replica_settings reports the missing region
    sets = [name for name, regions in MRSC_REGION_SETS.items() if table_region in regions]
    allowed = "; ".join(f"{name}: {', '.join(regions)}" for name, regions in MRSC_REGION_SETS.items())
    if not sets:
        yield c.at_env(env, ("region",), f"multi-Region strong consistency is not available in the table's region "
                       f"`{table_region}`; DynamoDB supports these Region sets: {allowed} (environment {env})",
                       because=(("replicas",),))
        return
    region_set = MRSC_REGION_SETS[sets[0]]
    others: list[tuple[tuple[str | int, ...], str]] = [
        (("replicas", i, "region_name"), r["region_name"]) for i, r in enumerate(s["replicas"])]
    if witness:
        others.append((("global_table_witness", "region_name"), witness))
        if witness == table_region or witness in {r["region_name"] for r in s["replicas"]}:
            yield c.at_env(env, ("global_table_witness", "region_name"),
                           f"the witness Region `{witness}` must differ from the table's and its replicas' Regions "
                           f"(environment {env})")
    for path, region in others:
        if region not in region_set:
            yield c.at_env(
                env, path,
                f"`{region}` is not in the {sets[0]} Region set of the table's region `{table_region}` "
                f"({', '.join(region_set)}): every Region of a multi-Region strongly consistent table must be in the "
                f"same Region set (environment {env})",
            )


def _strong_consistency_features(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    if facts.provisioned(s):
        yield c.at_env(
            env, ("billing_mode",),
            f"multi-Region strong consistency needs billing_mode PAY_PER_REQUEST here: provisioned replicas are "
            f"aws_dynamodb_table_replica resources, which have no consistency_mode in provider 6.25 "
            f"(environment {env})",
            because=(("replicas",),),
        )
    ttl = s.get("ttl") or {}
    if ttl.get("enabled") or ttl.get("attribute_name"):
        yield c.at_env(
            env, ("ttl",),
            f"global tables configured for multi-Region strong consistency do not support Time To Live (DynamoDB, "
            f"{MRSC_DOCS}); set `ttl: null` (environment {env})",
        )
    if c.data.get("local_secondary_indexes"):
        yield c.at(
            ("local_secondary_indexes",),
            f"multi-Region strong consistency (environment {env}) does not support local secondary indexes",
            key=True,
        )


def replica_table_class(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """A replica's own table class is `table_class_override`, which only aws_dynamodb_table_replica has; dyngen renders
    replicas that way for autoscaled provisioned tables only (the inline `replica` block has no table class)."""
    autoscaled = facts.is_autoscaled(s)
    for i, replica in enumerate(s.get("replicas") or []):
        if replica.get("table_class") is not None and not autoscaled:
            yield c.at_env(
                env, ("replicas", i, "table_class"),
                f"replica `{replica['region_name']}` cannot have its own table_class here: the provider sets a "
                f"replica's class only on aws_dynamodb_table_replica (table_class_override), which dyngen renders for "
                f"PROVISIONED tables with autoscaling; an on-demand table's inline replica block takes the table's "
                f"class (environment {env})",
                because=(("billing_mode",), ("autoscaling",)),
            )


def backend_key(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    key = ((s.get("backend") or {}).get("s3") or {}).get("key")
    if not key:
        return
    if "{project}" in key and not c.data.get("project"):
        yield c.at_env(env, ("backend", "s3", "key"), "the state key uses {project} but the spec sets no `project`")


def alarm_window(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    alarms = s.get("alarms") or {}
    period, periods = alarms.get("period_seconds"), alarms.get("evaluation_periods")
    if not alarms.get("enabled") or period is None or periods is None:
        return
    limit = ALARM_WINDOW_LIMIT_HOURLY if period >= 3600 else ALARM_WINDOW_LIMIT
    if period * periods > limit:
        yield c.at_env(
            env, ("alarms", "evaluation_periods"),
            f"CloudWatch evaluates an alarm over at most {limit // 86400} day(s) with a period of {period} s: "
            f"evaluation_periods may be at most {limit // period} (environment {env})",
        )


def backup_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    backup = s.get("backup") or {}
    cold, delete = backup.get("cold_storage_after_days"), backup.get("delete_after_days")
    # a missing delete_after_days is the schema's to report (backup enabled needs it)
    minimum = BACKUP_COLD_STORAGE_MINIMUM_DAYS
    if backup.get("enabled") and cold is not None and delete is not None and delete < cold + minimum:
        yield c.at_env(
            env, ("backup", "delete_after_days"),
            f"AWS Backup keeps cold storage at least {BACKUP_COLD_STORAGE_MINIMUM_DAYS} days: "
            f"delete_after_days ({delete}) "
            f"must be at least cold_storage_after_days + {BACKUP_COLD_STORAGE_MINIMUM_DAYS} "
            f"({cold + BACKUP_COLD_STORAGE_MINIMUM_DAYS}) (environment {env})",
            because=(("backup", "cold_storage_after_days"), ("backup", "enabled")),
        )


def vpc_endpoint_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    endpoint = s.get("vpc_endpoint") or {}
    if endpoint.get("enabled") and not endpoint.get("vpc_id"):
        yield c.at_env(env, ("vpc_endpoint", "enabled"), f"the VPC endpoint needs a `vpc_id` (environment {env})")


def _keys_declared(c: Checker) -> bool:
    """Whether the table's keys are declared; when not, keys_are_declared reports it and item rules stand aside."""
    return all(key in c.data["attributes"] for key in (c.data["hash_key"], c.data.get("range_key")) if key is not None)


def item_keys(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    attributes = c.data["attributes"]
    if not _keys_declared(c):
        return
    for i, item in enumerate(s.get("items") or []):
        for key in (c.data["hash_key"], c.data.get("range_key")):
            if key is None:
                continue
            value = item.get(key)
            if not isinstance(value, Mapping) or attributes[key] not in value:
                yield c.at_env(env, ("items", i),
                               f"item {i + 1} needs its key `{key}` as {{{attributes[key]}: ...}} (environment {env})")


def unique_items(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    items = s.get("items") or []
    if not items or not _keys_declared(c) or any(True for _ in item_keys(c, env, s)):
        return
    keys = (c.data["hash_key"], c.data.get("range_key"), c.data["attributes"])
    for first, later, key in facts.duplicate_item_ids(items, *keys):
        yield c.at_env(env, ("items", later), f"item {later + 1} has the same key as item {first + 1} ({key}); "
                       f"DynamoDB keeps one item per key (environment {env})")


ENVIRONMENT_RULES: tuple[Callable[[Checker, str, Settings], Iterator[Problem]], ...] = (
    rendered_table_name,
    billing_mode_settings,
    capacity_within_autoscaling,
    index_capacity_names,
    stream_settings,
    ttl_settings,
    recovery_settings,
    encryption_settings,
    replica_settings,
    consistency_settings,
    replica_table_class,
    backend_key,
    alarm_window,
    backup_settings,
    vpc_endpoint_settings,
    item_keys,
    unique_items,
)
