"""CloudWatch Contributor Insights (most accessed and most throttled keys) for the table and each global index."""

from __future__ import annotations

from typing import Any

from dyngen.features import BASE_PROVIDER, Feature, table
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "CloudWatch Contributor Insights of the table and its global indexes."
MODE_MINIMUM = "6.11.0"  # the release that added `mode`


def is_enabled(s: Settings) -> bool:
    return bool(setting("contributor_insights")(s))


def used(spec: Spec) -> bool:
    return any_environment(spec, is_enabled)


def mode(s: Settings) -> str | None:
    chosen = setting_when(is_enabled, "contributor_insights_mode")(s)
    return str(chosen) if chosen is not None else None


def sets_mode(spec: Spec) -> bool:
    return any_environment(spec, mode)


def provider_minimum(spec: Spec) -> str:
    return MODE_MINIMUM if sets_mode(spec) else BASE_PROVIDER


def variables(spec: Spec) -> list[Variable]:
    found = [Variable("contributor_insights_enabled", "bool",
                      "Turn on CloudWatch Contributor Insights for the table and each global secondary index.",
                      per_environment(spec, is_enabled))]
    if sets_mode(spec):
        found.append(Variable("contributor_insights_mode", "string",
                              "What Contributor Insights records: ACCESSED_AND_THROTTLED_KEYS or THROTTLED_KEYS; null: "
                              "DynamoDB's default (ACCESSED_AND_THROTTLED_KEYS).",
                              per_environment(spec, mode), rule="contributor_insights_mode", nullable=True))
    return found


def context(spec: Spec) -> dict[str, Any]:
    return {"indexes": bool(spec.global_indexes), "index_names": table.index_names_expression(spec),
            "mode": sets_mode(spec)}


FEATURE = Feature(
    name="contributor_insights",
    summary=SUMMARY,
    used=used,
    variables=variables,
    context=context,
    provider_minimum=provider_minimum,
)
