"""What one environment's feature strategies share: the table's shape and the choices drawn before them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

Draw = Callable[..., Any]


@dataclass(frozen=True)
class EnvironmentContext:
    shape: dict[str, Any]  # the table's keys, attributes and indexes (tests.strategies.table.table_shapes)
    gsi_names: list[str]
    profile: dict[str, Any]  # the settings of the environment's profile (dyngen.model.PROFILES), {} without one
    region: str | None
    provisioned: bool
    replicated: bool  # an on-demand table with replicas (a provisioned one must autoscale: tests/features/test_replicas.py)


def bools() -> st.SearchStrategy[bool]:
    return st.booleans()
