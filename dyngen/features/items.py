"""Seed items: one aws_dynamodb_table_item per item of an environment, the item written with jsonencode.

Items stay in DynamoDB JSON (`{"age": {"N": "42"}}`): numbers stay strings, as DynamoDB JSON wants, and jsonencode
passes them through unchanged. The module receives them as a map keyed by an id made from the item's key values, so
that adding or removing one item never changes the address of another (a list index would).
"""

from __future__ import annotations

from typing import Any

from dyngen.errors import DyngenError
from dyngen.facts import duplicate_item_ids, item_id
from dyngen.features import Feature
from dyngen.model import Settings, Spec, plain
from dyngen.variables import Variable, any_environment, per_environment

SUMMARY = "The seed items (`aws_dynamodb_table_item`)."

# `any`, not a type constraint: items have different attributes and nest S/N/BOOL/NULL/SS/L/M values of every shape.
# A narrower type refuses some items or converts their values: map(map(map(string))) refuses SS, L and M and turns
# {BOOL = true} into {BOOL = "true"}, which jsonencode would then send to DynamoDB as a string. `any` keeps every
# value exactly as the spec wrote it.
ITEMS_TYPE = "any"


def used(spec: Spec) -> bool:
    return any_environment(spec, lambda s: bool(s.get("items")))


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


def context(spec: Spec) -> dict[str, Any]:
    return {}


FEATURE = Feature(
    name="items",
    summary=SUMMARY,
    used=used,
    variables=variables,
    context=context,
)
