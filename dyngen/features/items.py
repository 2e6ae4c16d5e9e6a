"""Seed items: one aws_dynamodb_table_item per item of an environment, the item written with jsonencode.

Items stay in DynamoDB JSON (`{"age": {"N": "42"}}`): numbers stay strings, as DynamoDB JSON wants, and jsonencode
passes them through unchanged. The module receives them as a map keyed by an id made from the item's key values, so
that adding or removing one item never changes the address of another (a list index would).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from dyngen.errors import DyngenError
from dyngen.features import Output
from dyngen.model import Settings, Spec, plain
from dyngen.variables import Variable, any_environment, per_environment

TEMPLATE = "module/items.tf.j2"
SUMMARY = "The seed items (`aws_dynamodb_table_item`)."
PROVIDER_MINIMUM = "5.0.0"

# `any`, not a type constraint: items have different attributes and nest S/N/BOOL/NULL/SS/L/M values of every shape.
# A narrower type refuses some items or converts their values: map(map(map(string))) refuses SS, L and M and turns
# {BOOL = true} into {BOOL = "true"}, which jsonencode would then send to DynamoDB as a string. `any` keeps every
# value exactly as the spec wrote it.
ITEMS_TYPE = "any"


def used(spec: Spec) -> bool:
    return any_environment(spec, lambda s: bool(s.get("items")))


def _id_part(value: Mapping[str, Any], attribute_type: str) -> str:
    """One key value as text: numbers normalised so that "42" and "42.0" (the same DynamoDB key) give one id;
    `%` and `/` percent-encoded so that the `/` between hash and range value is never ambiguous."""
    text = str(value[attribute_type])
    if attribute_type == "N":
        try:
            number = Decimal(text).normalize()
        except InvalidOperation:
            pass
        else:
            text = format(number, "f") if number else "0"
    return text.replace("%", "%25").replace("/", "%2F")


def item_id(item: Mapping[str, Any], hash_key: str, range_key: str | None, attributes: Mapping[str, str]) -> str:
    """The stable id of an item: its hash key value, plus "/" and its range key value when the table has one."""
    found = _id_part(item[hash_key], attributes[hash_key])
    if range_key:
        found += "/" + _id_part(item[range_key], attributes[range_key])
    return found


def duplicate_item_ids(items: Sequence[Mapping[str, Any]], hash_key: str, range_key: str | None,
                       attributes: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(first index, later index, id) of each item whose key repeats an earlier item's: DynamoDB would keep only one.
    For a validation rule; items must carry their keys (rules.item_keys)."""
    seen: dict[str, int] = {}
    found: list[tuple[int, int, str]] = []
    for i, item in enumerate(items):
        key = item_id(item, hash_key, range_key, attributes)
        if key in seen:
            found.append((seen[key], i, key))
        else:
            seen[key] = i
    return found


def items_by_id(spec: Spec, s: Settings) -> dict[str, dict[str, Any]]:
    attributes = dict(spec.attributes)
    items = s.get("items") or ()
    duplicates = duplicate_item_ids(items, spec.hash_key, spec.range_key, attributes)
    if duplicates:
        first, later, key = duplicates[0]
        raise DyngenError(f"{spec.source}: items {first + 1} and {later + 1} have the same key ({key})")
    return {item_id(item, spec.hash_key, spec.range_key, attributes): plain(item) for item in items}


def variables(spec: Spec) -> list[Variable]:
    return [Variable(
        "items", ITEMS_TYPE,
        "Items to write to the table, in DynamoDB JSON, keyed by their key values (hash, or hash/range). Type any: "
        "items differ in attributes and nest values of every shape, which no narrower type accepts unchanged.",
        per_environment(spec, lambda s: items_by_id(spec, s)),
    )]


def outputs(spec: Spec) -> list[Output]:
    return []


def context(spec: Spec) -> dict[str, Any]:
    return {}
