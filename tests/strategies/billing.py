"""Billing: on demand (with its throughput limits) or provisioned capacity, autoscaling and per-index capacity."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import bounds
from tests.strategies.values import capacities


@st.composite
def billing(draw: Draw, ctx: EnvironmentContext, profile_name: str | None) -> dict[str, Any]:
    return draw(_provisioned(ctx)) if ctx.provisioned else draw(_on_demand(profile_name))


@st.composite
def _provisioned(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    s: dict[str, Any] = {"billing_mode": "PROVISIONED"}
    if draw(st.booleans()):
        bounds_ = {}
        for direction in ("read", "write"):
            low = draw(capacities(1000))
            high = draw(st.integers(low, 40000))
            b: dict[str, Any] = {"min_capacity": low, "max_capacity": high}
            if draw(st.booleans()):
                b["target_utilization"] = draw(st.integers(*bounds("target_utilization")))
            bounds_[direction] = b
            if draw(st.booleans()):
                s[f"{direction}_capacity"] = draw(st.integers(low, high))
        autoscaling: dict[str, Any] = {"enabled": True, **bounds_}
        if draw(st.booleans()):
            autoscaling["indexes"] = draw(bools())
        for cooldown in ("scale_in_cooldown", "scale_out_cooldown"):
            if draw(st.booleans()):
                autoscaling[cooldown] = draw(st.integers(*bounds("cooldown_seconds")))
        s["autoscaling"] = autoscaling
    else:
        s["read_capacity"] = draw(capacities())
        s["write_capacity"] = draw(capacities())
        if draw(st.booleans()):
            s["autoscaling"] = {"enabled": False}
    if ctx.gsi_names and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(ctx.gsi_names), min_size=1, unique=True))
        units = {"read_capacity": capacities(), "write_capacity": capacities()}
        s["index_capacity"] = {name: draw(st.fixed_dictionaries({}, optional=units)) for name in chosen}
    if draw(st.booleans()):
        s["on_demand_throughput"] = None
    return s


@st.composite
def _on_demand(draw: Draw, profile_name: str | None) -> dict[str, Any]:
    s: dict[str, Any] = {}
    if draw(st.booleans()) or profile_name == "development":
        s["billing_mode"] = "PAY_PER_REQUEST"
    if draw(st.booleans()):
        limit = st.one_of(st.none(), capacities())
        s["on_demand_throughput"] = draw(st.fixed_dictionaries(
            {}, optional={"max_read_request_units": limit, "max_write_request_units": limit}))
    return s
