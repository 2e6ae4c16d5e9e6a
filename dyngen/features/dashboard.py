"""A CloudWatch dashboard of the table: capacity, throttles, errors and latency, its body built with jsonencode.

Metric names and dimensions are those DynamoDB publishes: SystemErrors and SuccessfulRequestLatency only by
TableName + Operation; UserErrors only per account and region (no dimension), so its line is labelled as such.
The widgets' region is the table's own, read from its ARN (arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME): the
aws_region data source's `region` attribute exists only from provider 6.0 and its `name` is deprecated there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import hcl
from dyngen.features import Feature, Output, alarms, table
from dyngen.model import Settings, Spec
from dyngen.variables import Variable, any_environment, per_environment, setting

SUMMARY = "The CloudWatch dashboard of the table."
NAMESPACE = "AWS/DynamoDB"
PERIOD_SECONDS = 300
WIDTH, HEIGHT, COLUMNS = 12, 6, 2
REGION = 'element(split(":", local.table.arn), 3)'


@dataclass(frozen=True)
class Line:
    """One entry of a metric widget: a metric or, with `expression`, a metric-math line over the ids of other lines.
    A metric of the table has the dimension TableName = local.table.name (`table`), then `dimensions` as literal
    (name, value) pairs."""

    label: str
    metric: str | None = None
    stat: str | None = None
    table: bool = True
    dimensions: tuple[tuple[str, str], ...] = ()
    id: str | None = None
    expression: str | None = None
    visible: bool = True

    @property
    def entry(self) -> str:
        """The line as one element of the widget's `metrics`, an HCL tuple."""
        if self.expression:
            fields = {"expression": self.expression, "label": self.label, "id": self.id}
            return "[{ " + ", ".join(f"{k} = {hcl.quote(v or '')}" for k, v in fields.items()) + " }]"
        table = [hcl.quote(alarms.TABLE[0]), alarms.TABLE[1]] if self.table else []
        dimensions = [hcl.quote(part) for pair in self.dimensions for part in pair]
        options = [f"stat = {hcl.quote(self.stat or '')}", f"label = {hcl.quote(self.label)}"]
        options += [f"id = {hcl.quote(self.id)}"] if self.id else []
        options += ["visible = false"] if not self.visible else []
        head = [hcl.quote(NAMESPACE), hcl.quote(self.metric or ""), *table, *dimensions]
        return "[" + ", ".join(head) + ", { " + ", ".join(options) + " }]"


@dataclass(frozen=True)
class Widget:
    title: str
    lines: tuple[Line, ...]
    x: int = 0
    y: int = 0
    width: int = WIDTH
    height: int = HEIGHT


def is_enabled(s: Settings) -> bool:
    return bool(setting("dashboard")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, is_enabled)


def variables(spec: Spec) -> list[Variable]:
    return [Variable("dashboard_enabled", "bool", "Create a CloudWatch dashboard of the table.",
                     per_environment(spec, is_enabled))]


def _capacity(spec: Spec, direction: str) -> Widget:
    title = direction.capitalize()
    consumed = f"consumed_{direction}"
    lines = [
        Line(f"Consumed {direction} units per second", id=f"{direction}_per_second",
             expression=f"{consumed} / PERIOD({consumed})"),
        Line(f"Consumed{title}CapacityUnits", f"Consumed{title}CapacityUnits", "Sum", id=consumed,
             visible=False),
    ]
    if table.provisioned(spec):
        lines.append(Line(f"Provisioned {direction} units", f"Provisioned{title}CapacityUnits", "Average"))
    return Widget(f"{title} capacity (consumed vs provisioned)", tuple(lines))


def _throttles(spec: Spec) -> Widget:
    lines = []
    for direction in ("Read", "Write"):
        metric = f"{direction}ThrottleEvents"
        lines.append(Line(f"{metric} (table)", metric, "Sum"))
        for name in sorted(i.name for i in spec.global_indexes):
            lines.append(Line(f"{metric} ({name})", metric, "Sum", dimensions=(("GlobalSecondaryIndexName", name),)))
    return Widget("Throttled requests", tuple(lines))


def _errors() -> Widget:
    lines = [Line(f"SystemErrors {op}", "SystemErrors", "Sum", dimensions=(("Operation", op),))
             for op in alarms.OPERATIONS]
    lines.append(Line("UserErrors (whole account and region)", "UserErrors", "Sum", table=False))
    return Widget("Errors", tuple(lines))


def _latency() -> Widget:
    return Widget("Successful request latency (ms)", tuple(
        Line(f"{op} average", "SuccessfulRequestLatency", "Average", dimensions=(("Operation", op),))
        for op in alarms.LATENCY_OPERATIONS
    ))


def widgets(spec: Spec) -> list[Widget]:
    found = [_capacity(spec, "read"), _capacity(spec, "write"), _throttles(spec), _errors(), _latency()]
    return [
        Widget(w.title, w.lines, x=(i % COLUMNS) * WIDTH, y=(i // COLUMNS) * HEIGHT)
        for i, w in enumerate(found)
    ]


def context(spec: Spec) -> dict[str, Any]:
    return {"namespace": NAMESPACE, "period": PERIOD_SECONDS, "region": REGION, "widgets": widgets(spec)}


def outputs(spec: Spec) -> list[Output]:
    return [Output("dashboard_arn", "ARN of the CloudWatch dashboard; null where there is none.",
                   "one(aws_cloudwatch_dashboard.this[*].dashboard_arn)")]


FEATURE = Feature(
    name="dashboard",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
)
