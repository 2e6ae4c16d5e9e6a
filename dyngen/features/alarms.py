"""CloudWatch alarms on the table, its global indexes and its replicas, each switched off by a null threshold.

Metric names and dimensions are exactly what DynamoDB publishes (namespace AWS/DynamoDB):
- ReadThrottleEvents / WriteThrottleEvents (Sum) by TableName, and by TableName + GlobalSecondaryIndexName.
- SystemErrors (Sum) exists only by TableName + Operation: one metric-math alarm sums the ten main operations
  (CloudWatch allows at most 10 metrics in one metric-math alarm, which is exactly what it takes).
- SuccessfulRequestLatency (Average, ms) exists only by TableName + Operation: one alarm per watched operation.
- UserErrors is published per account and region, with no dimension at all: an alarm with a TableName dimension
  would never fire, so it is an account-level alarm and says so.
- Consumed against provisioned capacity (PROVISIONED only): metric math, Consumed...CapacityUnits (Sum) per second
  of the period in percent of Provisioned...CapacityUnits (Average).
- ReplicationLatency (Average, ms) by TableName + ReceivingRegion, one alarm per replica region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import facts, hcl, schema
from dyngen.features import Feature, Output, table
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "CloudWatch alarms on the table, its global indexes and its replicas."
NAMESPACE = "AWS/DynamoDB"

# The operations whose SystemErrors the system-errors alarm sums (at most 10: CloudWatch's limit per alarm).
OPERATIONS = (
    "GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem",
    "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
)
LATENCY_OPERATIONS = ("GetItem", "Query", "PutItem")

TABLE = ("TableName", "local.table.name")
AT_LEAST = "GreaterThanOrEqualToThreshold"
ABOVE = "GreaterThanThreshold"


@dataclass(frozen=True)
class Threshold:
    """One kind of alarm: its setting under `alarms`, its module variable and the schema rule of that variable."""

    setting: str
    variable: str
    rule: str
    description: str


READ_THROTTLE = Threshold("read_throttle_threshold", "alarm_read_throttle_threshold", "threshold",
                          "Read throttle events per period (table and each GSI) that raise an alarm; null: no alarm.")
WRITE_THROTTLE = Threshold("write_throttle_threshold", "alarm_write_throttle_threshold", "threshold",
                           "Write throttle events per period (table and each GSI) that raise an alarm; null: no alarm.")
SYSTEM_ERRORS = Threshold("system_errors_threshold", "alarm_system_errors_threshold", "threshold",
                          "System errors per period, summed over the main operations, that raise the alarm; "
                          "null: no alarm.")
USER_ERRORS = Threshold("user_errors_threshold", "alarm_user_errors_threshold", "threshold",
                        "User errors per period in the whole account and region (UserErrors has no table "
                        "dimension) that raise the alarm; null: no alarm.")
LATENCY = Threshold("latency_threshold_ms", "alarm_latency_threshold_ms", "threshold",
                    "Average successful-request latency in milliseconds (GetItem, Query, PutItem) that raises an "
                    "alarm; null: no alarm.")
CONSUMED_CAPACITY = Threshold("consumed_capacity_threshold_percent", "alarm_consumed_capacity_threshold_percent",
                              "percent", "Consumed capacity in percent of provisioned capacity that raises an alarm "
                              "(PROVISIONED only); null: no alarm.")
REPLICATION_LATENCY = Threshold("replication_latency_threshold_ms", "alarm_replication_latency_threshold_ms",
                                "threshold", "Replication latency to a replica region in milliseconds that raises "
                                "an alarm; null: no alarm.")


@dataclass(frozen=True)
class Metric:
    name: str
    stat: str
    dimensions: tuple[tuple[str, str], ...]  # (dimension name, HCL expression of its value)


@dataclass(frozen=True)
class Query:
    """A metric_query block of a metric-math alarm: a metric, or the expression the alarm watches. With `each_values`
    it is a dynamic block, one metric_query per value (metric_query.value); `id` and `label` are HCL expressions."""

    id: str
    label: str
    metric: Metric | None = None
    expression: str | None = None
    each_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alarm:
    """One aws_cloudwatch_metric_alarm resource. `name` and `description` are HCL string templates written by dyngen
    (no spec value in them: index names reach them through each.key); `each_values` are literals for for_each,
    `each_expression` an HCL collection; with neither the alarm is a single resource gated by count."""

    resource: str
    threshold: Threshold
    name: str
    description: str
    comparison: str
    metric: Metric | None = None
    queries: tuple[Query, ...] = ()
    each_values: tuple[str, ...] = ()
    each_expression: str | None = None
    condition: str | None = None  # a further HCL condition beside "alarms on and threshold set"

    @property
    def when(self) -> str:
        parts = ["var.alarms_enabled", f"var.{self.threshold.variable} != null"]
        return " && ".join(parts + ([self.condition] if self.condition else []))

    @property
    def repeat(self) -> str:
        """The meta-argument that makes the alarm exist only when it applies: for_each over its values, else count."""
        if self.each_values:
            return f"for_each = {self.when} ? toset({hcl.encode(list(self.each_values))}) : toset([])"
        if self.each_expression:
            return f"for_each = {self.when} ? {self.each_expression} : toset([])"
        return f"count = {self.when} ? 1 : 0"

    @property
    def threshold_expression(self) -> str:
        return f"var.{self.threshold.variable}"


# --- what the spec uses ------------------------------------------------------------------------------------------


def is_enabled(s: Settings) -> bool:
    return bool(setting("alarms", "enabled")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, is_enabled)


def _applies(kind: Threshold, s: Settings) -> bool:
    if kind is CONSUMED_CAPACITY:
        return facts.provisioned(s)
    if kind is REPLICATION_LATENCY:  # MRSC global tables publish no ReplicationLatency
        return bool(s.get("replicas")) and not facts.strong_consistency(s)
    return True


def _threshold(kind: Threshold) -> Any:
    """An environment's threshold for one kind of alarm; None where the alarms are off or the alarm cannot apply."""

    def pick(s: Settings) -> Any:
        if not is_enabled(s) or not _applies(kind, s):
            return None
        return setting("alarms", kind.setting)(s)

    return pick


def kinds(spec: Spec) -> list[Threshold]:
    """The kinds of alarm that at least one environment creates; only these are rendered."""
    candidates = [READ_THROTTLE, WRITE_THROTTLE, SYSTEM_ERRORS, USER_ERRORS, LATENCY]
    if table.provisioned(spec):
        candidates.append(CONSUMED_CAPACITY)
    if table.replicas(spec):
        candidates.append(REPLICATION_LATENCY)
    return [k for k in candidates if any_environment(spec, lambda s: _threshold(k)(s) is not None)]


# --- variables ----------------------------------------------------------------------------------------------------


def variables(spec: Spec) -> list[Variable]:
    found = [
        Variable("alarms_enabled", "bool", "Create the CloudWatch alarms.", per_environment(spec, is_enabled)),
        Variable(
            "alarm_sns_topic_arn", "string",
            "SNS topic notified when an alarm fires and when it recovers; null: no notification.",
            per_environment(spec, setting_when(is_enabled, "alarms", "sns_topic_arn")),
            rule="sns_topic_arn", nullable=True,
        ),
    ]
    found += [Variable(k.variable, "number", k.description, per_environment(spec, _threshold(k)),
                       rule=k.rule, nullable=True) for k in kinds(spec)]
    found += [
        Variable("alarm_evaluation_periods", "number", "Consecutive periods over the threshold before an alarm fires.",
                 per_environment(spec, setting("alarms", "evaluation_periods",
                                               default=schema.setting_default("alarms", "evaluation_periods"))),
                 rule="evaluation_periods"),
        Variable("alarm_period_seconds", "number", "Length in seconds of one alarm evaluation period.",
                 per_environment(spec, setting("alarms", "period_seconds",
                                               default=schema.setting_default("alarms", "period_seconds"))),
                 rule="period_seconds"),
    ]
    return found


# --- the alarms ---------------------------------------------------------------------------------------------------


def _throttle_alarms(spec: Spec, kind: Threshold, direction: str) -> list[Alarm]:
    metric = f"{direction.capitalize()}ThrottleEvents"
    limit = f"${{var.{kind.variable}}}"
    found = [Alarm(
        f"table_{direction}_throttle_events", kind,
        name=f'"${{var.table_name}}-{direction}-throttle-events"',
        description=f'"{direction.capitalize()} requests to table ${{var.table_name}} were throttled {limit} or more '
                    f'times in one period ({metric})."',
        comparison=AT_LEAST, metric=Metric(metric, "Sum", (TABLE,)),
    )]
    if spec.global_indexes:
        found.append(Alarm(
            f"index_{direction}_throttle_events", kind,
            name=f'"${{var.table_name}}-${{each.key}}-{direction}-throttle-events"',
            description=f'"{direction.capitalize()} requests to index ${{each.key}} of table ${{var.table_name}} were '
                        f'throttled {limit} or more times in one period ({metric})."',
            comparison=AT_LEAST,
            metric=Metric(metric, "Sum", (TABLE, ("GlobalSecondaryIndexName", "each.key"))),
            each_values=tuple(sorted(i.name for i in spec.global_indexes)),
        ))
    return found


def _system_errors_alarm() -> Alarm:
    per_operation = Query(
        '"${lower(metric_query.value)}_errors"', '"SystemErrors ${metric_query.value}"',
        metric=Metric("SystemErrors", "Sum", (TABLE, ("Operation", "metric_query.value"))),
        each_values=OPERATIONS,
    )
    total = Query(hcl.quote("system_errors"), hcl.quote("SystemErrors, all operations"),
                  expression="SUM(FILL(METRICS(), 0))")
    return Alarm(
        "system_errors", SYSTEM_ERRORS,
        name='"${var.table_name}-system-errors"',
        description='"DynamoDB returned ${var.alarm_system_errors_threshold} or more HTTP 500 errors (SystemErrors) '
                    'to requests on table ${var.table_name} in one period, summed over ' + ", ".join(OPERATIONS) + '."',
        comparison=AT_LEAST, queries=(per_operation, total),
    )


def _user_errors_alarm() -> Alarm:
    return Alarm(
        "account_user_errors", USER_ERRORS,
        name='"${var.table_name}-account-user-errors"',
        description='"Account-level alarm: ${var.alarm_user_errors_threshold} or more DynamoDB requests failed with '
                    'HTTP 400 (UserErrors) in one period in this account and region. CloudWatch publishes UserErrors '
                    'without a TableName dimension, so this alarm cannot be attributed to table ${var.table_name}."',
        comparison=AT_LEAST, metric=Metric("UserErrors", "Sum", ()),
    )


def _latency_alarm() -> Alarm:
    return Alarm(
        "successful_request_latency", LATENCY,
        name='"${var.table_name}-${each.key}-latency"',
        description='"Average latency of successful ${each.key} requests on table ${var.table_name} exceeded '
                    '${var.alarm_latency_threshold_ms} ms in one period (SuccessfulRequestLatency)."',
        comparison=ABOVE, metric=Metric("SuccessfulRequestLatency", "Average", (TABLE, ("Operation", "each.key"))),
        each_values=LATENCY_OPERATIONS,
    )


def _consumed_capacity_alarm(direction: str) -> Alarm:
    title = direction.capitalize()
    queries = (
        Query(hcl.quote("consumed"), hcl.quote(f"Consumed{title}CapacityUnits"),
              metric=Metric(f"Consumed{title}CapacityUnits", "Sum", (TABLE,))),
        Query(hcl.quote("provisioned"), hcl.quote(f"Provisioned{title}CapacityUnits"),
              metric=Metric(f"Provisioned{title}CapacityUnits", "Average", (TABLE,))),
        Query(hcl.quote("utilization"), hcl.quote(f"Consumed {direction} capacity, percent of provisioned"),
              expression="100 * (consumed / PERIOD(consumed)) / provisioned"),
    )
    return Alarm(
        f"consumed_{direction}_capacity", CONSUMED_CAPACITY,
        name=f'"${{var.table_name}}-consumed-{direction}-capacity"',
        description=f'"Table ${{var.table_name}} consumed more than '
                    f'${{var.alarm_consumed_capacity_threshold_percent}}% '
                    f'of its provisioned {direction} capacity over one period."',
        comparison=ABOVE, queries=queries, condition='var.billing_mode == "PROVISIONED"',
    )


def _replication_latency_alarm() -> Alarm:
    return Alarm(
        "replication_latency", REPLICATION_LATENCY,
        name='"${var.table_name}-${each.key}-replication-latency"',
        description='"Average replication latency from table ${var.table_name} to its replica in ${each.key} exceeded '
                    '${var.alarm_replication_latency_threshold_ms} ms in one period (ReplicationLatency)."',
        comparison=ABOVE,
        metric=Metric("ReplicationLatency", "Average", (TABLE, ("ReceivingRegion", "each.key"))),
        each_expression="toset([for r in var.replicas : r.region_name])",
    )


def alarms(spec: Spec) -> list[Alarm]:
    present = kinds(spec)
    found: list[Alarm] = []
    if READ_THROTTLE in present:
        found += _throttle_alarms(spec, READ_THROTTLE, "read")
    if WRITE_THROTTLE in present:
        found += _throttle_alarms(spec, WRITE_THROTTLE, "write")
    if SYSTEM_ERRORS in present:
        found.append(_system_errors_alarm())
    if USER_ERRORS in present:
        found.append(_user_errors_alarm())
    if LATENCY in present:
        found.append(_latency_alarm())
    if CONSUMED_CAPACITY in present:
        found += [_consumed_capacity_alarm("read"), _consumed_capacity_alarm("write")]
    if REPLICATION_LATENCY in present:
        found.append(_replication_latency_alarm())
    return found


def context(spec: Spec) -> dict[str, Any]:
    return {"namespace": NAMESPACE, "alarms": alarms(spec)}


def outputs(spec: Spec) -> list[Output]:
    maps = [f"{{ for a in aws_cloudwatch_metric_alarm.{a.resource} : a.alarm_name => a.arn }}" for a in alarms(spec)]
    value = "merge(\n" + "".join(f"{m},\n" for m in maps) + ")" if maps else "{}"
    return [Output("alarm_arns", "ARN of each CloudWatch alarm, by alarm name.", value)]


FEATURE = Feature(
    name="alarms",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
)
