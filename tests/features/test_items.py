"""Seed items: aws_dynamodb_table_item per item, keyed by the item's key values, the item written with jsonencode."""

from __future__ import annotations

import json
from typing import Any

from dyngen import facts
from dyngen.hcl import unquote
from dyngen.loader import load_document
from dyngen.validate import validate_document
from tests.helpers import MINIMAL, module_text, parse_hcl, resources
from tests.tools import external_checks

HOSTILE = 'say "hi" \\ ${file("/etc/passwd")} %{ if x }\nnext\tline ünïcødé 🦆 \u200b "; resource "x" "y" {'


def _spec_text(items_by_env: dict[str, list[dict[str, Any]]], *, range_key: bool = True) -> str:
    """A spec as JSON (which is YAML), so that hostile strings need no YAML quoting by hand."""
    document: dict[str, Any] = {
        "version": 1,
        "name": "users",
        "hash_key": "id",
        "attributes": {"id": "S", "sk": "N"} if range_key else {"id": "S"},
        "environments": {env: {"items": found} for env, found in items_by_env.items()},
    }
    if range_key:
        document["range_key"] = "sk"
    return json.dumps(document, ensure_ascii=False)


def decode(value: Any) -> Any:
    """python-hcl2's parse of a literal value back to the Python value it spells."""
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return {(unquote(k) if k.startswith('"') else k): decode(v) for k, v in value.items()}
    return value


USER = {
    "id": {"S": "user1"},
    "sk": {"N": "42"},
    "age": {"N": "42.50"},
    "colours": {"SS": ["red", "blue"]},
    "active": {"BOOL": True},
    "nothing": {"NULL": True},
    "address": {"M": {"city": {"S": "Berlin"}, "floors": {"L": [{"N": "1"}, {"S": "two"}]}}},
}


def test_items_render_one_table_item_per_item_with_jsonencode(render_yaml):
    files = render_yaml(_spec_text({"dev": [USER]}))
    main = parse_hcl(files["users/items.tf"])
    item = resources(main, "aws_dynamodb_table_item")["this"]
    assert item["for_each"] == "${var.items}"
    assert item["table_name"] == "${local.table.name}"
    assert unquote(item["hash_key"]) == "id"
    assert unquote(item["range_key"]) == "sk"
    assert item["item"] == "${jsonencode(each.value)}"
    assert "jsonencode(each.value)" in files["users/items.tf"]

    variables = files["users/variables.tf"]
    assert 'variable "items"' in variables and "type        = any" in variables


def test_tfvars_keep_dynamodb_json_as_written(render_yaml):
    tfvars = parse_hcl(render_yaml(_spec_text({"dev": [USER]}))["users/envs/dev/terraform.tfvars"])
    # numbers stay strings (DynamoDB JSON), BOOL and NULL stay booleans, nesting is kept
    assert decode(tfvars["items"]) == {"user1/42": USER}


def test_table_without_range_key_has_no_range_key_argument(render_yaml):
    item = {"id": {"S": "only"}, "n": {"N": "1"}}
    files = render_yaml(_spec_text({"dev": [item]}, range_key=False))
    body = resources(parse_hcl(files["users/items.tf"]), "aws_dynamodb_table_item")["this"]
    assert "range_key" not in body
    assert decode(parse_hcl(files["users/envs/dev/terraform.tfvars"])["items"]) == {"only": item}


def test_hostile_strings_round_trip_exactly(render_yaml):
    item = {"id": {"S": HOSTILE}, "sk": {"N": "7"}, "note": {"S": HOSTILE}, "list": {"L": [{"S": HOSTILE}]}}
    files = render_yaml(_spec_text({"dev": [item]}))
    tfvars = parse_hcl(files["users/envs/dev/terraform.tfvars"])
    decoded = decode(tfvars["items"])
    (key,) = decoded
    assert decoded[key] == item
    assert key == HOSTILE.replace("%", "%25").replace("/", "%2F") + "/7"
    # nothing of the value leaked into the module: the item reaches it only through jsonencode(each.value)
    assert "passwd" not in module_text(files, "users")


def test_removing_an_item_keeps_the_others_addresses(render_yaml):
    a = {"id": {"S": "a"}, "sk": {"N": "1"}}
    b = {"id": {"S": "b"}, "sk": {"N": "2"}}
    c = {"id": {"S": "c"}, "sk": {"N": "3"}}
    before = decode(parse_hcl(render_yaml(_spec_text({"dev": [a, b, c]}))["users/envs/dev/terraform.tfvars"])["items"])
    after = decode(parse_hcl(render_yaml(_spec_text({"dev": [b, c]}))["users/envs/dev/terraform.tfvars"])["items"])
    assert list(before) == ["a/1", "b/2", "c/3"]
    assert {k: before[k] for k in after} == after


def test_item_ids_are_unambiguous_and_normalise_numbers():
    attributes = {"h": "S", "r": "S", "n": "N"}
    one = facts.item_id({"h": {"S": "a/b"}, "r": {"S": "c"}}, "h", "r", attributes)
    two = facts.item_id({"h": {"S": "a"}, "r": {"S": "b/c"}}, "h", "r", attributes)
    assert one != two
    numbers = ("42", "42.0", "4.2E1")
    same = [facts.item_id({"h": {"S": "x"}, "n": {"N": n}}, "h", "n", attributes) for n in numbers]
    assert same == ["x/42"] * 3


def test_duplicate_keys_are_a_validation_problem():
    item = {"id": {"S": "a"}, "sk": {"N": "1"}}
    again = {"id": {"S": "a"}, "sk": {"N": "1.0"}, "x": {"S": "y"}}
    document = load_document(_spec_text({"dev": [item, again]}).encode(), "specs/users.yaml")
    problems = validate_document(document)
    assert [p.message for p in problems] == [
        "item 2 has the same key as item 1 (a/1); DynamoDB keeps one item per key (environment dev)"]
    assert problems[0].path == ("environments", "dev", "items", 1)


def test_environments_carry_their_own_items(render_yaml):
    a = {"id": {"S": "a"}, "sk": {"N": "1"}}
    files = render_yaml(_spec_text({"dev": [a], "prod": []}))
    assert decode(parse_hcl(files["users/envs/dev/terraform.tfvars"])["items"]) == {"a/1": a}
    assert parse_hcl(files["users/envs/prod/terraform.tfvars"])["items"] == {}
    assert "items = var.items" in " ".join(files["users/envs/prod/main.tf"].split())


def test_spec_without_items_renders_none_of_it(render_yaml):
    files = render_yaml(MINIMAL)
    assert not any("aws_dynamodb_table_item" in t or "var.items" in t for t in files.values())
    assert 'variable "items"' not in files["orders/variables.tf"]


def test_items_output_passes_external_checks(render_yaml, tmp_path):
    item = {"id": {"S": HOSTILE}, "sk": {"N": "7"}}
    external_checks(render_yaml(_spec_text({"dev": [USER, item], "prod": []})), tmp_path)
