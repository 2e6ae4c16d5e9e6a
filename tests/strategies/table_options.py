"""The table's own switches: storage class, deletion protection, TTL, point-in-time recovery, and the features that
are one flag (dashboard, contributor insights, IAM policies)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import bounds, enum
from tests.strategies.values import attribute_names


@st.composite
def table_options(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    s: dict[str, Any] = {}
    if draw(st.booleans()):
        s["table_class"] = draw(st.sampled_from(enum("table_class")))
    if draw(st.booleans()):
        s["deletion_protection"] = draw(bools())
    for flag in ("dashboard", "contributor_insights", "iam_policies"):
        if draw(st.booleans()):
            s[flag] = draw(bools())
    return s


@st.composite
def ttl(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    """TTL on a key attribute only when it is a number."""
    if not draw(st.booleans()):
        return {}
    attributes = ctx.shape["attributes"]
    number_keys = [n for n, t in attributes.items() if t == "N"]
    name = draw(st.one_of(attribute_names().filter(lambda n: n not in attributes),
                          *([st.sampled_from(number_keys)] if number_keys else [])))
    return {"ttl": {"enabled": draw(bools()), "attribute_name": name}}


@st.composite
def point_in_time_recovery(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    enabled = draw(bools())
    pitr: dict[str, Any] = {"enabled": enabled}
    if enabled and draw(st.booleans()):
        pitr["recovery_period_days"] = draw(st.integers(*bounds("recovery_period_days")))
    elif not enabled and "recovery_period_days" in ctx.profile.get("point_in_time_recovery", {}):
        pitr["recovery_period_days"] = None
    return {"point_in_time_recovery": pitr}
