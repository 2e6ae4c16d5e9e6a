"""The schema's own constraints (patterns, lengths, ranges, enums, defaults) as strategies read them."""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

from dyngen import schema


@cache
def definitions() -> dict[str, Any]:
    return schema.load_schema()["definitions"]


def pattern(definition: str) -> str:
    return definitions()[definition]["pattern"]


def length(definition: str) -> tuple[int, int]:
    node = definitions()[definition]
    return node.get("minLength", 0), node["maxLength"]


def bounds(definition: str) -> tuple[int, int | None]:
    node = definitions()[definition]
    return node["minimum"], node.get("maximum")


def enum(definition: str) -> list[Any]:
    return list(definitions()[definition]["enum"])


def _full(regex: str) -> str:
    """A schema pattern (`^...$`) as a Python regex that hypothesis must match entirely, with no trailing newline."""
    return r"\A(?:" + regex.removeprefix("^").removesuffix("$") + r")\Z"


def from_pattern(definition: str, *, max_size: int | None = None) -> st.SearchStrategy[str]:
    low, high = definitions()[definition].get("minLength", 1), definitions()[definition].get("maxLength")
    limit = min(x for x in (high, max_size) if x is not None) if (high or max_size) else None
    strategy = st.from_regex(_full(pattern(definition)), fullmatch=True)
    return strategy.filter(lambda s: len(s) >= low and (limit is None or len(s) <= limit))


def default(*path: str) -> Any:
    """dyngen's default for a setting, from the schema."""
    value: Any = schema.defaults()
    for key in path:
        value = value[key]
    return value


def matching(definition: str, max_size: int = 40) -> st.SearchStrategy[str]:
    """Strings that match a schema pattern (no length rule of its own), at most `max_size` long."""
    return st.from_regex(_full(pattern(definition)), fullmatch=True).filter(lambda s: len(s) <= max_size)
