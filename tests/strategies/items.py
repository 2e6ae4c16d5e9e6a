"""Items written into the table: each carries its keys, no two share them, values of every DynamoDB type."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext
from tests.strategies.table import attribute_values, canonical_key, key_value
from tests.strategies.values import attribute_names


@st.composite
def table_items(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    return {"items": draw(items(ctx.shape))} if draw(st.integers(0, 2)) == 0 else {}


@st.composite
def items(draw: Draw, shape: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [shape["hash_key"]] + ([shape["range_key"]] if shape.get("range_key") else [])
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for _ in range(draw(st.integers(1, 4))):
        item = {key: draw(key_value(shape["attributes"][key])) for key in keys}
        identity = tuple(canonical_key(item[key]) for key in keys)
        if identity in seen:
            continue
        seen.add(identity)
        for name, value in draw(st.dictionaries(attribute_names().filter(lambda n: n not in keys), attribute_values(),
                                                max_size=3)).items():
            item[name] = value
        found.append(item)
    return found
