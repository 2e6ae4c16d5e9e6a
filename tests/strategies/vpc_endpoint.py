"""The DynamoDB gateway endpoint of a VPC."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import matching


@st.composite
def vpc_endpoint(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    enabled = draw(bools())
    endpoint: dict[str, Any] = {"enabled": enabled}
    if enabled or draw(st.booleans()):
        endpoint["vpc_id"] = draw(matching("vpc_id", 21))
    if draw(st.booleans()):
        endpoint["route_table_ids"] = draw(st.lists(matching("route_table_id", 21), max_size=3, unique=True))
    return {"vpc_endpoint": endpoint}
