"""Target-tracking autoscaling of the table's and its global indexes' provisioned capacity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dyngen import facts
from dyngen.features import Feature, table
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "Application Auto Scaling of the table's and its global indexes' capacity (targets and policies)."


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


def variables(spec: Spec) -> list[Variable]:
    found = []
    for scaler in SCALERS:
        d = scaler.direction
        found += [
            Variable(f"autoscaling_{d}_min_capacity", "number", f"Lowest {d} capacity autoscaling may set.",
                     per_environment(spec, setting_when(facts.is_autoscaled, "autoscaling", d, "min_capacity")),
                     rule="capacity", nullable=True),
            Variable(f"autoscaling_{d}_max_capacity", "number", f"Highest {d} capacity autoscaling may set.",
                     per_environment(spec, setting_when(facts.is_autoscaled, "autoscaling", d, "max_capacity")),
                     rule="capacity", nullable=True),
            Variable(f"autoscaling_{d}_target_utilization", "number",
                     f"Percentage of provisioned {d} capacity that autoscaling aims to consume.",
                     per_environment(spec, setting_when(facts.is_autoscaled, "autoscaling", d, "target_utilization")),
                     rule="target_utilization", nullable=True),
        ]
    for way in ("in", "out"):
        found.append(Variable(
            f"autoscaling_scale_{way}_cooldown", "number", f"Seconds between two scale-{way} activities.",
            per_environment(spec, setting_when(facts.is_autoscaled, "autoscaling", f"scale_{way}_cooldown")),
            rule="cooldown_seconds", nullable=True,
        ))
    if index_overrides(spec):
        found.append(Variable(
            "autoscaling_index_bounds", f"map(object({{\nread = {BOUNDS_TYPE}\nwrite = {BOUNDS_TYPE}\n}}))",
            "Autoscaling bounds of single global secondary indexes, by index name (the shared index bounds merged "
            "with the index's own); an index not named scales within the shared bounds.",
            per_environment(spec, merged_index_bounds),
        ))
    return found


# --- per-index bounds ----------------------------------------------------------------------------------------------

BOUNDS_KEYS = ("min_capacity", "max_capacity", "target_utilization")
BOUNDS_TYPE = "object({\nmin_capacity = number\nmax_capacity = number\ntarget_utilization = optional(number)\n})"


def index_overrides(spec: Spec) -> bool:
    return table.autoscales_indexes(spec) and any_environment(spec, lambda s: bool(merged_index_bounds(s)))


def merged_index_bounds(s: Settings) -> dict[str, dict[str, dict[str, Any]]]:
    """{index name: {read: bounds, write: bounds}}: each index's own bounds merged key by key over the shared ones."""
    if not facts.is_autoscaled(s) or not setting("autoscaling", "indexes")(s):
        return {}
    found = {}
    for name, override in sorted((setting("autoscaling", "index_overrides")(s) or {}).items()):
        own = {d.direction: _given((override or {}).get(d.direction)) for d in SCALERS}
        if any(own.values()):  # an override of nulls only (`{read: null}`) is the shared bounds, like none
            found[name] = {d.direction: _merged(s, d.direction, own[d.direction]) for d in SCALERS}
    return found


def _given(bounds: Any) -> dict[str, Any]:
    return {key: value for key, value in (bounds or {}).items() if value is not None}


def _merged(s: Settings, direction: str, own: dict[str, Any]) -> dict[str, Any]:
    shared = setting("autoscaling", direction)(s) or {}
    return _given({key: own.get(key, shared.get(key)) for key in BOUNDS_KEYS})


def context(spec: Spec) -> dict[str, Any]:
    return {
        "scalers": SCALERS,
        "indexes": table.autoscales_indexes(spec),
        "index_names": table.index_names_expression(spec),
        "index_overrides": index_overrides(spec),
    }


FEATURE = Feature(
    name="autoscaling",
    summary=SUMMARY,
    used=used,
    variables=variables,
    context=context,
)
