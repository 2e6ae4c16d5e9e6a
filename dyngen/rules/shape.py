"""Rules on the table's shape: keys, attributes, indexes and the table name template."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterator, Mapping

from dyngen import model
from dyngen.errors import FieldPath, Problem
from dyngen.rules.checker import Checker

MAX_GLOBAL_INDEXES = 20
MAX_LOCAL_INDEXES = 5



def key_references(data: Mapping[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    """Every place that names a key attribute: the table's keys and each index's keys."""
    for key in ("hash_key", "range_key"):
        if data.get(key):
            yield (key,), data[key]
    for kind in ("global_secondary_indexes", "local_secondary_indexes"):
        for i, index in enumerate(data.get(kind) or []):
            for key in ("hash_key", "range_key"):
                if index.get(key):
                    yield (kind, i, key), index[key]


def keys_are_declared(c: Checker) -> Iterator[Problem]:
    attributes = c.data["attributes"]
    for path, name in key_references(c.data):
        if name not in attributes:
            yield c.at(path, f"key attribute `{name}` is not declared in `attributes` (add `{name}: S`, `N` or `B`)")


def attributes_are_used(c: Checker) -> Iterator[Problem]:
    used = {name for _, name in key_references(c.data)}
    for name in c.data["attributes"]:
        if name not in used:
            yield c.at(
                ("attributes", name),
                f"attribute `{name}` is not a key of the table or of an index; DynamoDB refuses attribute "
                "definitions it does not index (other attributes need no declaration)",
                key=True,
            )


def projections_are_consistent(c: Checker) -> Iterator[Problem]:
    for _kind, index_path, index in _indexes(c.data):
        has_non_key = bool(index.get("non_key_attributes"))
        if index["projection_type"] == "INCLUDE" and not has_non_key:
            yield c.at(index_path + ("projection_type",),
                       f"index `{index['name']}`: INCLUDE needs `non_key_attributes`")
        if index["projection_type"] != "INCLUDE" and has_non_key:
            yield c.at(
                index_path + ("non_key_attributes",),
                f"index `{index['name']}`: `non_key_attributes` go only with projection_type INCLUDE",
            )


def local_indexes_fit_the_table(c: Checker) -> Iterator[Problem]:
    for i, index in enumerate(c.data.get("local_secondary_indexes") or []):
        path = ("local_secondary_indexes", i)
        if not c.data.get("range_key"):
            yield c.at(path + ("name",), f"local index `{index['name']}` needs a table `range_key`")
        elif index["range_key"] == c.data["range_key"]:
            yield c.at(
                path + ("range_key",),
                f"local index `{index['name']}`: its range key must differ from the table's (`{index['range_key']}`)",
            )


def global_index_keys_differ(c: Checker) -> Iterator[Problem]:
    for i, index in enumerate(c.data.get("global_secondary_indexes") or []):
        if index.get("range_key") and index["range_key"] == index["hash_key"]:
            yield c.at(
                ("global_secondary_indexes", i, "range_key"),
                f"index `{index['name']}`: hash key and range key must be different attributes",
            )


def index_counts_and_names(c: Checker) -> Iterator[Problem]:
    limits = (("global_secondary_indexes", MAX_GLOBAL_INDEXES), ("local_secondary_indexes", MAX_LOCAL_INDEXES))
    for kind, limit in limits:
        count = len(c.data.get(kind) or [])
        if count > limit:
            yield c.at((kind,), f"DynamoDB allows at most {limit} {kind.replace('_', ' ')}, found {count}", key=True)
    seen: Counter[str] = Counter()
    for _kind, path, index in _indexes(c.data):
        seen[index["name"]] += 1
        if seen[index["name"]] == 2:
            yield c.at(path + ("name",), f"index name `{index['name']}` is used twice; index names must be unique")


def table_name_template(c: Checker) -> Iterator[Problem]:
    template = model.table_name_template(c.data)
    for placeholder in model.unknown_placeholders(template):
        yield c.at(
            ("table_name",),
            f"unknown placeholder `{{{placeholder}}}` in table_name; use {{project}}, {{env}} or {{name}}",
        )
    if "{project}" in template and not c.data.get("project"):
        yield c.at(("table_name",) if c.data.get("table_name") else ("name",),
                   "table_name uses {project} but the spec sets no `project`")


def _indexes(data: Mapping[str, Any]) -> Iterator[tuple[str, FieldPath, Mapping[str, Any]]]:
    for kind in ("global_secondary_indexes", "local_secondary_indexes"):
        for i, index in enumerate(data.get(kind) or []):
            yield kind, (kind, i), index


TABLE_RULES: tuple[Callable[[Checker], Iterator[Problem]], ...] = (
    keys_are_declared,
    attributes_are_used,
    projections_are_consistent,
    local_indexes_fit_the_table,
    global_index_keys_differ,
    index_counts_and_names,
    table_name_template,
)
