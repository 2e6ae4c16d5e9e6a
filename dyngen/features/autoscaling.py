"""Target-tracking autoscaling of the table's and its global indexes' provisioned capacity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen.features import Output, table
from dyngen.model import Settings, Spec
from dyngen.variables import Variable, per_environment, setting

TEMPLATE = "module/autoscaling.tf.j2"
PROVIDER_MINIMUM = "5.0.0"


@dataclass(frozen=True)
class Scaler:
    """One scalable dimension (read or write) with the variables that bound it."""

    direction: str  # read | write
    unit: str  # ReadCapacityUnits | WriteCapacityUnits
    metric: str  # DynamoDBReadCapacityUtilization | DynamoDBWriteCapacityUtilization


SCALERS = (
    Scaler("read", "ReadCapacityUnits", "DynamoDBReadCapacityUtilization"),
    Scaler("write", "WriteCapacityUnits", "DynamoDBWriteCapacityUtilization"),
)


def used(spec: Spec) -> bool:
    return table.autoscaled(spec)


def _when_autoscaled(*path: str) -> Any:
    def pick(s: Settings) -> Any:
        return setting("autoscaling", *path)(s) if table.is_autoscaled(s) else None

    return pick


def variables(spec: Spec) -> list[Variable]:
    found = []
    for scaler in SCALERS:
        d = scaler.direction
        found += [
            Variable(f"autoscaling_{d}_min_capacity", "number", f"Lowest {d} capacity autoscaling may set.",
                     per_environment(spec, _when_autoscaled(d, "min_capacity")), rule="capacity", nullable=True),
            Variable(f"autoscaling_{d}_max_capacity", "number", f"Highest {d} capacity autoscaling may set.",
                     per_environment(spec, _when_autoscaled(d, "max_capacity")), rule="capacity", nullable=True),
            Variable(f"autoscaling_{d}_target_utilization", "number",
                     f"Percentage of provisioned {d} capacity that autoscaling aims to consume.",
                     per_environment(spec, _when_autoscaled(d, "target_utilization")),
                     rule="target_utilization", nullable=True),
        ]
    for way in ("in", "out"):
        found.append(Variable(
            f"autoscaling_scale_{way}_cooldown", "number", f"Seconds between two scale-{way} activities.",
            per_environment(spec, _when_autoscaled(f"scale_{way}_cooldown")), rule="cooldown_seconds", nullable=True,
        ))
    return found


def context(spec: Spec) -> dict[str, Any]:
    return {
        "scalers": SCALERS,
        "indexes": table.autoscales_indexes(spec),
        "index_names": table.index_names_expression(spec),
    }


def outputs(spec: Spec) -> list[Output]:
    return []
