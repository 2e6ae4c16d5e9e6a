"""The JSON Schema file itself: valid draft-07, documented everywhere, closed everywhere, and saying what the contract says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import jsonschema
import pytest
import yaml

SCHEMA_PATH = Path(__file__).parents[1] / "schemas" / "dyngen.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
DEFINITIONS = SCHEMA["definitions"]

# The example of the spec format's contract (issue 2, section 2), verbatim.
ISSUE_EXAMPLE = """\
# yaml-language-server: $schema=../schemas/dyngen.schema.json
version: 1
name: orders                          # folder name under the output dir: [a-z0-9][a-z0-9_-]*
description: Orders placed in the shop  # optional, free text
project: shop                         # optional
table_name: "{project}-{env}-orders"  # {project} {env} {name}; default "{project}-{env}-{name}"

hash_key: order_id
range_key: created_at                 # optional
attributes:                           # every key attribute of the table and its indexes: S | N | B
  order_id: S
  created_at: S
  customer_id: S
  status: S

global_secondary_indexes:
  - name: CustomerIndex
    hash_key: customer_id
    range_key: created_at             # optional
    projection_type: INCLUDE          # ALL | KEYS_ONLY | INCLUDE
    non_key_attributes: [total, currency]
local_secondary_indexes:
  - name: StatusIndex
    range_key: status
    projection_type: KEYS_ONLY

lifecycle:
  prevent_destroy: true               # Terraform takes only a literal here: one value for all environments

settings:                             # defaults for every environment
  region: eu-west-1
  billing_mode: PAY_PER_REQUEST       # PAY_PER_REQUEST | PROVISIONED
  on_demand_throughput: {max_read_request_units: 1000, max_write_request_units: 500}   # PAY_PER_REQUEST only
  table_class: STANDARD               # STANDARD | STANDARD_INFREQUENT_ACCESS
  stream: {enabled: false, view_type: NEW_AND_OLD_IMAGES}   # KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES
  ttl: {enabled: true, attribute_name: expires_at}
  point_in_time_recovery: {enabled: true, recovery_period_days: 35}      # 1..35
  encryption:
    enabled: true                     # false: AWS-owned key; true alone: AWS-managed key
    kms_key_arn: null                 # an existing customer-managed key, or
    create_kms_key: false             # a key made for this table
    kms_deletion_window_days: 30      # 7..30
    kms_key_rotation: true
  deletion_protection: false
  replicas: []                        # global table: [{region_name, kms_key_arn, point_in_time_recovery, propagate_tags}]; needs stream NEW_AND_OLD_IMAGES
  alarms:
    enabled: false
    sns_topic_arn: null
    read_throttle_threshold: 10
    write_throttle_threshold: 10
    user_errors_threshold: 50
    system_errors_threshold: 5
    latency_threshold_ms: 100
  dashboard: false
  contributor_insights: false
  iam_policies: false                 # read-only and read-write policies for the table
  vpc_endpoint: {enabled: false, vpc_id: null, route_table_ids: []}
  backup: {enabled: false, schedule: "cron(0 3 ? * * *)", delete_after_days: 35, cold_storage_after_days: null}
  import_from_s3: null                # {bucket, key_prefix, input_format: DYNAMODB_JSON|CSV|ION, compression: GZIP|ZSTD|NONE}
  items: []                           # seed items in DynamoDB JSON
  tags: {Team: checkout}
  backend:
    s3:
      bucket: shop-terraform-state
      key: "dynamodb/{name}/{env}/terraform.tfstate"
      region: eu-west-1
      use_lockfile: true              # or dynamodb_table: terraform-locks
      encrypt: true

environments:                         # each takes any key of settings; maps merge key by key, the rest replaces
  staging: {}
  prod:
    billing_mode: PROVISIONED
    on_demand_throughput: null
    read_capacity: 20                 # PROVISIONED only
    write_capacity: 10
    index_capacity:                   # PROVISIONED only; default: the table's
      CustomerIndex: {read_capacity: 10, write_capacity: 5}
    autoscaling:                      # PROVISIONED only
      enabled: true
      read:  {min_capacity: 10, max_capacity: 200, target_utilization: 70}   # 20..90
      write: {min_capacity: 5, max_capacity: 100, target_utilization: 60}
      indexes: true                   # scale every GSI within the same bounds
    stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}
    encryption: {enabled: true, create_kms_key: true, kms_deletion_window_days: 30}
    deletion_protection: true
    alarms: {enabled: true, sns_topic_arn: "arn:aws:sns:eu-west-1:123456789012:oncall"}
"""

CONSTRAINT_KEYWORDS = ("if", "then", "else", "not")  # subschemas that constrain a shape rather than describe one


def example() -> dict[str, Any]:
    return yaml.safe_load(ISSUE_EXAMPLE)


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(SCHEMA)


def resolved_validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator({"$ref": "#/definitions/resolved_settings", "definitions": DEFINITIONS})


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def walk(node: Any, path: tuple[str, ...] = (), *, shape: bool = True) -> Iterator[tuple[tuple[str, ...], dict, bool]]:
    """Every subschema, with its path and whether it describes a shape (not inside if/then/else/not)."""
    if isinstance(node, dict):
        yield path, node, shape
        for key, value in node.items():
            if key in ("examples", "default", "enum", "const", "required"):
                continue
            yield from walk(value, path + (key,), shape=shape and key not in CONSTRAINT_KEYWORDS)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, path + (str(i),), shape=shape)


def is_object_schema(node: dict) -> bool:
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "object" in kinds or "properties" in node or "patternProperties" in node


def all_errors(errors: Any) -> Iterator[jsonschema.ValidationError]:
    """Every error, including those nested in oneOf/anyOf context."""
    for error in errors:
        yield error
        yield from all_errors(error.context or [])


def leaf_errors(instance: Any, v: jsonschema.Draft7Validator) -> list[tuple[str, tuple]]:
    return [(e.validator, tuple(e.absolute_path)) for e in all_errors(v.iter_errors(instance))]


# --- the file --------------------------------------------------------------------------------------------------


def test_schema_is_valid_draft_07() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"] == "https://dyngen.dev/schemas/dyngen.schema.json"
    assert SCHEMA["title"] and SCHEMA["description"]
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_every_property_has_a_description_and_an_example() -> None:
    missing = []
    for path, node, shape in walk(SCHEMA):
        for name, prop in node.get("properties", {}).items() if shape and path[-1:] != ("properties",) else ():
            if not prop.get("description") or not prop.get("examples"):
                missing.append("/".join(path + ("properties", name)))
    assert missing == []


def test_every_definition_has_a_description_and_an_example() -> None:
    assert [n for n, d in DEFINITIONS.items() if not d.get("description") or not d.get("examples")] == []


def test_every_object_schema_is_closed() -> None:
    open_objects = [
        "/".join(path) for path, node, shape in walk(SCHEMA)
        if shape and path[-1:] != ("properties",) and is_object_schema(node) and "additionalProperties" not in node
    ]
    assert open_objects == []


def test_every_example_and_default_is_valid_where_it_stands() -> None:
    bad = []
    for path, node, shape in walk(SCHEMA):
        if not shape or path[-1:] == ("properties",) or path == ():
            continue
        v = jsonschema.Draft7Validator({**node, "definitions": DEFINITIONS})
        samples = list(node.get("examples", [])) + ([node["default"]] if "default" in node else [])
        bad += [("/".join(path), s) for s in samples if not v.is_valid(s)]
    assert bad == []


def test_object_defaults_are_their_childrens_defaults() -> None:
    for name, prop in DEFINITIONS["settings"]["properties"].items():
        if "properties" in prop and isinstance(prop.get("default"), dict):
            assert prop["default"] == {k: c.get("default") for k, c in prop["properties"].items()}, name


def test_every_setting_is_nullable_and_has_a_default() -> None:
    v = jsonschema.Draft7Validator({"$ref": "#/definitions/settings", "definitions": DEFINITIONS})
    for name, prop in DEFINITIONS["settings"]["properties"].items():
        assert "default" in prop, name
        assert v.is_valid({name: None}), name


# --- the rules code reads from it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "values"),
    [
        ("billing_mode", ["PAY_PER_REQUEST", "PROVISIONED"]),
        ("stream_view_type", ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]),
        ("projection_type", ["ALL", "KEYS_ONLY", "INCLUDE"]),
        ("table_class", ["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
        ("import_format", ["DYNAMODB_JSON", "CSV", "ION"]),
        ("import_compression", ["GZIP", "ZSTD", "NONE"]),
        ("attribute_type", ["S", "N", "B"]),
        ("profile", ["development", "staging", "production"]),
    ],
)
def test_enums(definition: str, values: list[str]) -> None:
    assert DEFINITIONS[definition]["enum"] == values


@pytest.mark.parametrize(
    ("definition", "low", "high"),
    [
        ("target_utilization", 20, 90),
        ("kms_deletion_window_days", 7, 30),
        ("recovery_period_days", 1, 35),
        ("capacity", 1, None),
        ("threshold", 1, None),
        ("days", 1, None),
    ],
)
def test_ranges(definition: str, low: int, high: int | None) -> None:
    node = DEFINITIONS[definition]
    assert (node.get("minimum"), node.get("maximum")) == (low, high)


@pytest.mark.parametrize(
    ("definition", "valid", "invalid"),
    [
        ("name", ["orders", "0day", "user-sessions_v2"], ["Orders", "-x", "a/b", "../x", "", "a" * 65]),
        ("index_name", ["abc", "Customer.Index-1_x", "a" * 255], ["ab", "a b", "a#b", "a" * 256]),
        ("attribute_name", ["Status#CreatedAt", "x", "a b/c", "a" * 255], ["", "a" * 256]),
        ("region", ["eu-west-1", "us-gov-west-1", "ap-southeast-2"], ["EU-west-1", "eu-west", "euwest1"]),
        ("table_name_template", ["{project}-{env}-orders", "orders"], ["{stage}-orders", "a b", ""]),
        ("backup_schedule", ["cron(0 3 ? * * *)", "rate(12 hours)"], ["0 3 * * *", "cron()"]),
        ("kms_key_arn", ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                         "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/orders"],
         ["arn:aws:sns:eu-west-1:123456789012:oncall", "1234abcd"]),
        ("sns_topic_arn", ["arn:aws:sns:eu-west-1:123456789012:oncall"], ["oncall"]),
    ],
)
def test_patterns(definition: str, valid: list[str], invalid: list[str]) -> None:
    v = jsonschema.Draft7Validator(DEFINITIONS[definition])
    assert [s for s in valid if not v.is_valid(s)] == []
    assert [s for s in invalid if v.is_valid(s)] == []


# --- documents --------------------------------------------------------------------------------------------------


def test_the_issue_example_validates() -> None:
    document = example()
    assert [e.message for e in validator().iter_errors(document)] == []
    for env, overrides in document["environments"].items():
        resolved = merge(document["settings"], overrides)
        assert [e.message for e in resolved_validator().iter_errors(resolved)] == [], env


def test_a_minimal_document_validates() -> None:
    document = {"version": 1, "name": "orders", "hash_key": "id", "attributes": {"id": "S"}, "environments": {"dev": {}}}
    assert validator().is_valid(document)


def test_a_full_document_validates() -> None:
    document = example()
    document["settings"].update(
        profile="production",
        items=[{"order_id": {"S": "o-1"}, "created_at": {"S": "2024-05-01"}, "lines": {"L": [{"M": {"sku": {"S": "x"}}}]},
                "total": {"N": "42.5"}, "gift": {"BOOL": False}, "note": {"NULL": True}, "tags": {"SS": ["a", "b"]}}],
        replicas=[{"region_name": "us-east-1", "kms_key_arn": None, "point_in_time_recovery": True, "propagate_tags": False}],
        vpc_endpoint={"enabled": True, "vpc_id": "vpc-0a1b2c3d", "route_table_ids": ["rtb-0a1b2c3d"]},
        import_from_s3={"bucket": "shop-exports", "key_prefix": "orders/", "bucket_owner": "123456789012",
                        "input_format": "CSV", "compression": "GZIP", "csv": {"delimiter": ";", "header_list": ["order_id"]}},
        tags={"Team": "checkout", "CostCenter": None},
    )
    document["settings"]["alarms"].update(latency_threshold_ms=None, period_seconds=60, evaluation_periods=3)
    assert [e.message for e in validator().iter_errors(document)] == []
    assert [e.message for e in resolved_validator().iter_errors(document["settings"])] == []


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        node[last] = value

    return mutate


INVALID = [
    ("billing mode enum", _set("settings.billing_mode", "FREE"), "enum", ("settings", "billing_mode")),
    ("target utilization 95", _set("environments.prod.autoscaling.read.target_utilization", 95), "maximum",
     ("environments", "prod", "autoscaling", "read", "target_utilization")),
    ("kms deletion window 3", _set("settings.encryption.kms_deletion_window_days", 3), "minimum",
     ("settings", "encryption", "kms_deletion_window_days")),
    ("recovery period 36", _set("settings.point_in_time_recovery.recovery_period_days", 36), "maximum",
     ("settings", "point_in_time_recovery", "recovery_period_days")),
    ("index name too short", _set("global_secondary_indexes.0.name", "ab"), "minLength",
     ("global_secondary_indexes", 0, "name")),
    ("unknown setting", _set("settings.biling_mode", "PROVISIONED"), "additionalProperties", ("settings",)),
    ("unknown top-level key", _set("tablename", "x"), "additionalProperties", ()),
    ("unknown nested key", _set("environments.prod.stream.view", "KEYS_ONLY"), "additionalProperties",
     ("environments", "prod", "stream")),
    ("attribute type X", _set("attributes.order_id", "X"), "enum", ("attributes", "order_id")),
    ("capacity 0", _set("environments.prod.read_capacity", 0), "minimum", ("environments", "prod", "read_capacity")),
    ("threshold 0", _set("settings.alarms.user_errors_threshold", 0), "minimum",
     ("settings", "alarms", "user_errors_threshold")),
    # jsonschema reports a bad key as the propertyNames subschema's own error, at the mapping's path
    ("environment name", _set("environments.Prod", {}), "pattern", ("environments",)),
    ("version 2", _set("version", 2), "const", ("version",)),
    ("spec name with a path", _set("name", "../orders"), "pattern", ("name",)),
    ("stream view type", _set("settings.stream.view_type", "BOTH"), "enum", ("settings", "stream", "view_type")),
    ("period seconds", _set("settings.alarms.period_seconds", 120), "enum", ("settings", "alarms", "period_seconds")),
    ("item with two types", _set("settings.items", [{"id": {"S": "a", "N": "1"}}]), "maxProperties",
     ("settings", "items", 0, "id")),
    ("import compression", _set("settings.import_from_s3", {"bucket": "shop-x", "input_format": "CSV", "compression": "ZIP"}),
     "enum", ("settings", "import_from_s3", "compression")),
    ("unknown placeholder", _set("table_name", "{stage}-orders"), "pattern", ("table_name",)),
    ("no environments", _set("environments", {}), "minProperties", ("environments",)),
]


@pytest.mark.parametrize(("mutate", "expected", "path"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_documents_fail_with_the_expected_validator(mutate: Mutation, expected: str, path: tuple) -> None:
    document = example()
    mutate(document)
    assert (expected, path) in leaf_errors(document, validator())


# --- rules of a resolved environment ------------------------------------------------------------------------------


def test_enabled_autoscaling_without_bounds_is_fine_in_a_document_but_not_once_resolved() -> None:
    document = example()
    document["environments"]["prod"]["autoscaling"] = {"enabled": True}
    assert validator().is_valid(document)
    resolved = {"billing_mode": "PROVISIONED", "autoscaling": {"enabled": True}}
    assert ("required", ("autoscaling",)) in leaf_errors(resolved, resolved_validator())


@pytest.mark.parametrize(
    ("settings", "expected", "path"),
    [
        ({"autoscaling": {"enabled": True, "read": {"min_capacity": 1, "max_capacity": 5}, "write": None}},
         "type", ("autoscaling", "write")),
        ({"autoscaling": {"enabled": True, "read": {"min_capacity": 1}, "write": {"min_capacity": 1, "max_capacity": 2}}},
         "required", ("autoscaling", "read")),
        ({"import_from_s3": {"key_prefix": "orders/"}}, "required", ("import_from_s3",)),
        ({"import_from_s3": {"bucket": "shop-x", "input_format": "ION", "csv": {"delimiter": ";"}}},
         "not", ("import_from_s3",)),
        ({"backup": {"enabled": True, "schedule": None, "delete_after_days": 35}}, "type", ("backup", "schedule")),
        ({"backup": {"enabled": True}}, "required", ("backup",)),
        ({"backend": {"s3": {"key": "x"}}}, "required", ("backend", "s3")),
    ],
)
def test_resolved_rules(settings: dict[str, Any], expected: str, path: tuple) -> None:
    assert (expected, path) in leaf_errors(settings, resolved_validator())


@pytest.mark.parametrize(
    "settings",
    [
        {"autoscaling": {"enabled": False}},
        {"autoscaling": None},
        {"alarms": {"enabled": True}},
        {"import_from_s3": {"bucket": "shop-x", "input_format": "CSV", "csv": {"delimiter": ";"}}},
        {"import_from_s3": {"bucket": "shop-x", "input_format": "ION", "csv": None}},
        {"backup": {"enabled": True, "schedule": "rate(1 day)", "delete_after_days": 7}},
        {"backend": None},
        {},
    ],
)
def test_resolved_rules_accept(settings: dict[str, Any]) -> None:
    assert [e.message for e in resolved_validator().iter_errors(copy.deepcopy(settings))] == []
