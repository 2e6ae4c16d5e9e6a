"""CloudWatch Contributor Insights (most accessed and most throttled keys) for the table and each global index."""

from __future__ import annotations

from typing import Any

from dyngen.features import Output, table
from dyngen.model import Settings, Spec
from dyngen.variables import Variable, any_environment, per_environment, setting

TEMPLATE = "module/contributor_insights.tf.j2"
PROVIDER_MINIMUM = "5.0.0"


def is_enabled(s: Settings) -> bool:
    return bool(setting("contributor_insights")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, is_enabled)


def variables(spec: Spec) -> list[Variable]:
    return [Variable("contributor_insights_enabled", "bool",
                     "Turn on CloudWatch Contributor Insights for the table and each global secondary index.",
                     per_environment(spec, is_enabled))]


def context(spec: Spec) -> dict[str, Any]:
    return {"indexes": bool(spec.global_indexes), "index_names": table.index_names_expression(spec)}


def outputs(spec: Spec) -> list[Output]:
    return []
