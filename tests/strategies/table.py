"""The table itself: key values, the key schema with its indexes, and table name templates."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, Callable

from hypothesis import strategies as st

from tests.strategies.schema_rules import enum
from tests.strategies.values import attribute_names, hostile_text, index_names


def number_strings() -> st.SearchStrategy[str]:
    def show(n: int, style: int) -> str:
        return [str(n), f"{n}.0", f"+{n}" if n >= 0 else str(n), f"{n}e0", f"{n}.", f"{Decimal(n) / 100}"][style]

    return st.one_of(
        st.builds(show, st.integers(-10**20, 10**20), st.integers(0, 5)),
        st.sampled_from(["0", "-0", ".5", "1E-130", "9.9999999999999999999999999999999999999E+125", "00012"]),
    )


def base64_values(min_size: int = 0) -> st.SearchStrategy[str]:
    return st.binary(min_size=min_size, max_size=24).map(lambda b: base64.b64encode(b).decode("ascii"))


def attribute_values(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    leaves = st.one_of(
        hostile_text().map(lambda s: {"S": s}),
        number_strings().map(lambda s: {"N": s}),
        base64_values().map(lambda s: {"B": s}),
        st.lists(hostile_text(), min_size=1, max_size=4, unique=True).map(lambda v: {"SS": v}),
        st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=4, unique=True).map(lambda v: {"NS": [str(n) for n in v]}),
        st.lists(st.binary(min_size=1, max_size=8), min_size=1, max_size=3, unique=True).map(
            lambda v: {"BS": [base64.b64encode(b).decode() for b in v]}),
        st.just({"NULL": True}),
        st.booleans().map(lambda b: {"BOOL": b}),
    )
    if depth <= 0:
        return leaves
    inner = attribute_values(depth - 1)
    return st.one_of(
        leaves,
        st.dictionaries(attribute_names(), inner, max_size=3).map(lambda m: {"M": m}),
        st.lists(inner, max_size=3).map(lambda v: {"L": v}),
    )


def key_value(kind: str) -> st.SearchStrategy[dict[str, str]]:
    """A key attribute's value: DynamoDB refuses empty strings and binaries in keys."""
    if kind == "S":
        return hostile_text(1, 60).map(lambda s: {"S": s})
    if kind == "N":
        return number_strings().map(lambda s: {"N": s})
    return base64_values(1).map(lambda s: {"B": s})


def canonical_key(value: dict[str, str]) -> Any:
    """A key value as DynamoDB compares it: numbers by value, binaries by bytes."""
    (kind, text), = value.items()
    if kind == "N":
        return ("N", Decimal(text).normalize())
    if kind == "B":
        return ("B", base64.b64decode(text))
    return ("S", text)


@st.composite
def table_shapes(draw: Callable[..., Any]) -> dict[str, Any]:
    """hash/range keys, attributes (exactly the key attributes), GSIs and LSIs."""
    pool = draw(st.lists(attribute_names(), min_size=2, max_size=9, unique=True))
    types = {name: draw(st.sampled_from(enum("attribute_type"))) for name in pool}
    hash_key = pool[0]
    range_key = pool[1] if draw(st.booleans()) else None
    used = {hash_key} | ({range_key} if range_key else set())
    extra = [n for n in pool if n not in used]
    index_names_ = draw(st.lists(index_names(), max_size=8, unique=True))
    non_key_pool = draw(st.lists(attribute_names(), min_size=1, max_size=4, unique=True))
    non_key_pool = [n for n in non_key_pool if n not in pool] or [max(pool, key=len)[:254] + "\u00e9"]
    key_choices = [hash_key] + ([range_key] if range_key else []) + extra

    def projection() -> dict[str, Any]:
        kind = draw(st.sampled_from(enum("projection_type")))
        found: dict[str, Any] = {"projection_type": kind}
        if kind == "INCLUDE":
            found["non_key_attributes"] = draw(st.lists(st.sampled_from(non_key_pool), min_size=1, unique=True))
        return found

    lsi_count = draw(st.integers(0, min(5, len(index_names_)))) if range_key else 0
    lsi_keys = [n for n in key_choices if n not in (range_key, hash_key)]
    lsis = []
    for name in index_names_[:lsi_count]:
        if not lsi_keys:
            break
        lsis.append({"name": name, "range_key": draw(st.sampled_from(lsi_keys)), **projection()})
    gsis = []
    for name in index_names_[len(lsis):]:
        index_hash = draw(st.sampled_from(key_choices))
        index: dict[str, Any] = {"name": name, "hash_key": index_hash}
        others = [n for n in key_choices if n != index_hash]
        if others and draw(st.booleans()):
            index["range_key"] = draw(st.sampled_from(others))
        gsis.append({**index, **projection()})
    for index in lsis + gsis:
        used.update(index.get(k) for k in ("hash_key", "range_key") if index.get(k))
    shape: dict[str, Any] = {
        "hash_key": hash_key,
        "attributes": {name: types[name] for name in pool if name in used},
    }
    if range_key:
        shape["range_key"] = range_key
    if gsis:
        shape["global_secondary_indexes"] = gsis
    if lsis:
        shape["local_secondary_indexes"] = lsis
    return shape


def _rendered(template: str, project: str | None, env: str, name: str) -> str:
    return template.replace("{project}", project or "").replace("{env}", env).replace("{name}", name)


@st.composite
def table_name_templates(draw: Callable[..., Any], project: str | None, envs: list[str], name: str) -> str | None:
    """None (the default), or a template whose rendered name is 3..255 in every environment, often exactly 255."""
    if draw(st.booleans()):
        return None
    placeholders = ["{env}", "{name}"] + (["{project}"] if project else [])
    literal = st.from_regex(r"\A[A-Za-z0-9_.-]{1,10}\Z", fullmatch=True)
    parts = draw(st.lists(st.one_of(st.sampled_from(placeholders), literal), min_size=1, max_size=5))
    if "{env}" not in parts and len(envs) > 1:
        parts.append("{env}")  # one table per environment: two environments may not name the same table
    template = "".join(parts)
    longest = max(len(_rendered(template, project, env, name)) for env in envs)
    shortest = min(len(_rendered(template, project, env, name)) for env in envs)
    if shortest < 3:
        template = "tbl" + template
    if draw(st.booleans()):  # at the limit: the longest environment's table name is exactly 255 characters
        longest = max(len(_rendered(template, project, env, name)) for env in envs)
        pad = 255 - longest
        if pad > 0 and len(template) + pad <= 255:
            template = "x" * pad + template
    if len(template) > 255 or max(len(_rendered(template, project, env, name)) for env in envs) > 255:
        return None
    return template
