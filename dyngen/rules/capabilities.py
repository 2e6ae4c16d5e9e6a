"""Rules on the capabilities of provider 6.x: warm throughput, per-index limits and bounds, restore, Kinesis,
resource policy."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from dyngen import facts, schema
from dyngen.errors import FieldPath, Problem
from dyngen.features.resource_policy import estimated_policy_bytes
from dyngen.rules.checker import Checker, Settings

# DynamoDB's PutResourcePolicy refuses a policy over 20 KB, whitespace included (DynamoDB Developer Guide,
# "Resource-based policy considerations").
RESOURCE_POLICY_MAXIMUM_BYTES = 20 * 1024


PER_INDEX_SETTINGS: tuple[FieldPath, ...] = (
    ("index_warm_throughput",),
    ("index_on_demand_throughput",),
    ("autoscaling", "index_overrides"),
)


def per_index_setting_names(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """Per-index settings may only name the spec's global secondary indexes."""
    names = {index["name"] for index in c.data.get("global_secondary_indexes") or []}
    for path in PER_INDEX_SETTINGS:
        node: Any = s
        for part in path:
            node = (node or {}).get(part) if isinstance(node, Mapping) else None
        for name in node or {}:
            if name not in names:
                where = c.written(env, path + (name,))
                line, column = c.document.locate(where, key=True)
                known = ", ".join(sorted(names)) or "none"
                yield Problem(c.document.file, line, column,
                              f"{'.'.join(map(str, path))} names `{name}`, which is not a global secondary index "
                              f"(known: {known})", where)


def warm_throughput_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """Both values at DynamoDB's minimum is its default, which the provider reports as a change on every plan."""
    low_read = schema.definition("warm_read_units")["minimum"]
    low_write = schema.definition("warm_write_units")["minimum"]
    places: list[tuple[FieldPath, Any]] = [(("warm_throughput",), s.get("warm_throughput"))]
    places += [(("index_warm_throughput", name), value)
               for name, value in (s.get("index_warm_throughput") or {}).items()]
    for path, value in places:
        value = value or {}
        if value.get("read_units_per_second") == low_read and value.get("write_units_per_second") == low_write:
            yield c.at_env(
                env, path,
                f"warm throughput {low_read}/{low_write} is DynamoDB's default and minimum; leave it unset (the AWS "
                f"provider reports both values at the minimum as a change on every plan) (environment {env})",
            )


def index_on_demand_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    if facts.provisioned(s) and any(facts.has_values(v) for v in (s.get("index_on_demand_throughput") or {}).values()):
        yield c.at_env(
            env, ("index_on_demand_throughput",),
            f"`index_on_demand_throughput` goes only with billing_mode PAY_PER_REQUEST (environment {env} is "
            "PROVISIONED)",
            because=(("billing_mode",),),
        )


def index_autoscaling_overrides(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    autoscaling = s.get("autoscaling") or {}
    overrides = autoscaling.get("index_overrides") or {}
    if not overrides or not facts.is_autoscaled(s):
        return
    if not autoscaling.get("indexes"):
        yield c.at_env(env, ("autoscaling", "index_overrides"),
                       f"`autoscaling.index_overrides` needs `autoscaling.indexes: true` (environment {env})",
                       because=(("autoscaling", "indexes"),))
        return
    for name, override in overrides.items():
        for direction in ("read", "write"):
            bounds = {**(autoscaling.get(direction) or {}), **_without_none((override or {}).get(direction))}
            low, high = bounds.get("min_capacity"), bounds.get("max_capacity")
            if low is not None and high is not None and low > high:
                yield c.at_env(
                    env, ("autoscaling", "index_overrides", name, direction),
                    f"autoscaling of index `{name}` ({direction}): min_capacity {low} is above max_capacity {high} "
                    f"once merged over the shared bounds (environment {env})",
                )


def restore_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    restore = s.get("restore_from_point_in_time")
    if restore is None:
        return
    path = ("restore_from_point_in_time",)
    sources = [k for k in ("source_table_name", "source_table_arn") if restore.get(k)]
    if len(sources) != 1:
        yield c.at_env(env, path, "a point-in-time restore needs exactly one of `source_table_name` and "
                                  f"`source_table_arn` (found {len(sources)}) (environment {env})")
    points = [k for k in ("restore_date_time", "restore_to_latest_time") if restore.get(k)]
    if len(points) != 1:
        yield c.at_env(env, path, "a point-in-time restore needs exactly one of `restore_date_time` and "
                                  f"`restore_to_latest_time: true` (found {len(points)}) (environment {env})")
    if s.get("import_from_s3") is not None:
        yield c.at_env(env, path, "a table is created either from an S3 import or from a point-in-time restore, not "
                                  f"both: remove `import_from_s3` or `restore_from_point_in_time` (environment {env})",
                       because=(("import_from_s3",),))


def kinesis_destination_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    destination = s.get("kinesis_streaming_destination") or {}
    arn, region = destination.get("stream_arn"), s.get("region")
    if arn and region and arn.split(":")[3] != region:
        yield c.at_env(
            env, ("kinesis_streaming_destination", "stream_arn"),
            f"the Kinesis data stream is in `{arn.split(':')[3]}` but the table is in `{region}`: DynamoDB streams "
            f"item changes only to a data stream in the table's own account and region (environment {env})",
            because=(("region",),),
        )


def resource_policy_settings(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    policy = s.get("resource_policy") or {}
    if not policy.get("enabled"):
        return
    readers, writers = list(policy.get("readers") or []), list(policy.get("writers") or [])
    if not readers and not writers and not policy.get("deny_insecure_transport"):
        yield c.at_env(env, ("resource_policy", "enabled"),
                       "the resource policy would be empty: name `readers` or `writers`, or keep "
                       f"`deny_insecure_transport` (environment {env})")
    for principal in sorted(set(readers) & set(writers)):
        yield c.at_env(env, ("resource_policy", "readers"),
                       f"`{principal}` is both a reader and a writer; writers can read already (environment {env})")
    if readers or writers:
        yield from _cross_account_key(c, env, s)
    size = estimated_policy_bytes(s, c.data)
    if size > RESOURCE_POLICY_MAXIMUM_BYTES:
        yield c.at_env(env, ("resource_policy",),
                       f"the resource policy would be about {size} bytes; DynamoDB accepts at most "
                       f"{RESOURCE_POLICY_MAXIMUM_BYTES} (20 KB, whitespace included) (environment {env})")


def _cross_account_key(c: Checker, env: str, s: Settings) -> Iterator[Problem]:
    """Principals of other accounts must be able to use the table's key (DynamoDB Developer Guide, "Resource-based
    policy considerations": no cross-account access to tables encrypted with the AWS managed key)."""
    encryption = s.get("encryption") or {}
    if not encryption.get("enabled") or encryption.get("kms_key_arn"):
        return
    why = ("the key dyngen creates admits only callers of the table's own account" if encryption.get("create_kms_key")
           else "DynamoDB gives no cross-account access to tables encrypted with the AWS managed key aws/dynamodb")
    yield c.at_env(
        env, ("resource_policy",),
        f"readers and writers of other accounts cannot use this table's key: {why}; use `encryption.kms_key_arn` "
        f"(a key whose policy admits them) or `encryption.enabled: false` (an AWS owned key) (environment {env})",
        because=(("encryption",),),
    )


def _without_none(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (mapping or {}).items() if v is not None}


CAPABILITY_RULES: tuple[Callable[[Checker, str, Settings], Iterator[Problem]], ...] = (
    per_index_setting_names,
    warm_throughput_settings,
    index_on_demand_settings,
    index_autoscaling_overrides,
    restore_settings,
    kinesis_destination_settings,
    resource_policy_settings,
)

