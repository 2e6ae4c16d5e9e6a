"""Every `default` of the schema takes effect: leaving a key out resolves and renders exactly as writing its default.

The walk covers every default, in nullable objects (backend.s3), list items (replicas) and map values
(index_capacity) too, so a default that Python forgets to apply fails here (as backend.s3.use_lockfile once did).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, Iterator

import hcl2
import pytest
import yaml

from dyngen import model, schema
from dyngen.errors import FieldPath
from dyngen.loader import load_document
from dyngen.render import render_spec
from dyngen.resolve import deep_merge, resolve, resolve_data
from dyngen.roundtrip import check_tree
from dyngen.validate import validate_document

INDEX = "CustomerIndex"  # the global index of the specs below, named as in the schema's per-index examples

ON_DEMAND: dict[str, Any] = {
    "version": 1, "name": "orders", "project": "shop", "hash_key": "order_id", "range_key": "created_at",
    "attributes": {"order_id": "S", "created_at": "S", "customer_id": "S"},
    "global_secondary_indexes": [
        {"name": INDEX, "hash_key": "customer_id", "range_key": "created_at", "projection_type": "ALL"},
    ],
    "lifecycle": {},
    "settings": {
        "region": "eu-west-1",
        "on_demand_throughput": {},
        "stream": {"enabled": True},
        "ttl": {"enabled": True, "attribute_name": "expires_at"},
        "point_in_time_recovery": {},
        "encryption": {},
        "replicas": [{"region_name": "us-east-1"}],
        "alarms": {"enabled": True, "sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:alerts"},
        "vpc_endpoint": {"enabled": True, "vpc_id": "vpc-0abc1234", "route_table_ids": ["rtb-0abc1234"]},
        "backup": {"enabled": True},
        "import_from_s3": {"bucket": "shop-exports", "input_format": "CSV", "csv": {"header_list": ["order_id"]}},
        "backend": {"s3": {"bucket": "shop-terraform-state"}},
    },
    "environments": {"prod": {}},
}

AUTOSCALED: dict[str, Any] = {
    **ON_DEMAND,
    "settings": {
        "region": "eu-west-1",
        "billing_mode": "PROVISIONED",
        "read_capacity": 20,
        "write_capacity": 20,
        "index_capacity": {INDEX: {}},
        "autoscaling": {
            "enabled": True, "indexes": False,
            "read": {"min_capacity": 5, "max_capacity": 50}, "write": {"min_capacity": 5, "max_capacity": 50},
        },
    },
}

# What a setting needs around it to matter, by feature. A setting also gets its parents' context (each child of
# resource_policy needs the policy enabled); its own is merged over theirs. Where DynamoDB only accepts the setting
# together with others (exactly one restore source, three Regions for strong consistency), leaving it out is refused.
CREATED_KEY = {"encryption": {"create_kms_key": True}}
US_MRSC = {"region": "us-east-1", "ttl": None}  # multi-Region strong consistency: one Region set, no TTL
RESTORE_LATEST = {"restore_from_point_in_time": {"restore_to_latest_time": True}}
RESTORE_FROM_OLD = {"restore_from_point_in_time": {"source_table_name": "old-orders"}}
POLICY = {"resource_policy": {"enabled": True}}
CONTEXT: dict[FieldPath, dict[str, Any]] = {
    ("billing_mode",): {"replicas": [], "read_capacity": 5, "write_capacity": 5},
    ("stream", "view_type"): {"replicas": []},
    ("contributor_insights_mode",): {"contributor_insights": True},
    ("kinesis_streaming_destination", "approximate_creation_date_time_precision"): {
        "kinesis_streaming_destination": {"stream_arn": "arn:aws:kinesis:eu-west-1:123456789012:stream/orders-changes"},
    },
    ("backup", "cold_storage_after_days"): {"backup": {"delete_after_days": 365}},
    # keys, without replicas (which would each need a key of their own)
    ("encryption",): {"replicas": []},
    ("encryption", "kms_deletion_window_days"): CREATED_KEY,
    ("encryption", "kms_key_rotation"): CREATED_KEY,
    ("encryption", "kms_multi_region"): CREATED_KEY,  # null: multi-Region only when a replica needs the key
    # global tables: a replica's own class needs aws_dynamodb_table_replica, i.e. a PROVISIONED autoscaled table;
    # one replica cannot turn STRONG alone, nor can a witness join EVENTUAL replicas
    ("replicas", 0, "kms_key_arn"): {
        "encryption": {"kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
    },
    ("replicas", 0, "table_class"): {
        "replicas": [{"region_name": "us-east-1"}], "stream": {"enabled": True}, "autoscaling": {"indexes": True},
    },
    ("replicas", 0, "consistency_mode"): {
        **US_MRSC,
        "replicas": [{"region_name": "us-east-2"}, {"region_name": "us-west-2", "consistency_mode": "STRONG"}],
    },
    ("global_table_witness",): {**US_MRSC, "replicas": [{"region_name": "us-east-2", "consistency_mode": "STRONG"}]},
    # resource policy: readers of other accounts cannot use the AWS managed key
    ("resource_policy",): {"encryption": {"enabled": False}},
    ("resource_policy", "readers"): POLICY,
    ("resource_policy", "writers"): POLICY,
    ("resource_policy", "deny_insecure_transport"): {"resource_policy": {"enabled": True, "readers": ["210987654321"]}},
    # restore: not with an S3 import; exactly one source and exactly one point in time
    ("restore_from_point_in_time",): {"import_from_s3": None},
    ("restore_from_point_in_time", "source_table_name"): RESTORE_LATEST,
    ("restore_from_point_in_time", "source_table_arn"): RESTORE_LATEST,
    ("restore_from_point_in_time", "restore_date_time"): RESTORE_FROM_OLD,
    ("restore_from_point_in_time", "restore_to_latest_time"): RESTORE_FROM_OLD,
    # provisioned capacity (see PROVISIONED)
    ("autoscaling", "index_overrides"): {"autoscaling": {"indexes": True}},
    ("alarms", "consumed_capacity_threshold_percent"): {
        "alarms": {"enabled": True, "sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:alerts"},
    },
}
# Settings that act only on a PROVISIONED table, with their children: they start from AUTOSCALED.
PROVISIONED: set[FieldPath] = {
    ("autoscaling",), ("index_capacity",), ("read_capacity",), ("write_capacity",),
    ("alarms", "consumed_capacity_threshold_percent"), ("replicas", 0, "table_class"),
}
# Another value where the schema's examples only repeat the default.
OTHER: dict[FieldPath, Any] = {
    ("backup", "schedule"): "cron(0 5 ? * * *)",
    ("backend", "s3", "key"): "state/{name}/{env}.tfstate",
    ("backend", "s3", "region"): "us-east-2",
}

# Defaults that change nothing in the files under the specs above, and why; every other default must render.
NOT_RENDERED = {
    ("profile",): "it chooses other settings' defaults, each of them covered here",
    ("index_capacity",): "an empty map; each index's entry is covered by its children",
}


def default_paths(
    node: dict[str, Any], path: FieldPath = (), seen: tuple[int, ...] = ()
) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
    """(settings path, property schema) of every property with a default, through objects, lists and maps."""
    target = schema.resolve_ref(node)
    if id(target) in seen:  # a recursive definition (an item's nested values) holds no default
        return
    seen += (id(target),)
    for key, prop in target.get("properties", {}).items():
        if "default" in prop or "default" in schema.resolve_ref(prop):
            yield path + (key,), prop
        yield from default_paths(prop, path + (key,), seen)
    if isinstance(target.get("items"), dict):
        yield from default_paths(target["items"], path + (0,), seen)
    if isinstance(target.get("additionalProperties"), dict):
        yield from default_paths(target["additionalProperties"], path + (INDEX,), seen)


SETTINGS_DEFAULTS = list(default_paths(schema.settings_schema()))
IDS = [".".join(map(str, path)) for path, _ in SETTINGS_DEFAULTS]


def _raw_defaults(node: Any) -> Iterator[int]:
    if isinstance(node, dict):
        if "default" in node:
            yield id(node)
        for child in node.values():
            yield from _raw_defaults(child)
    elif isinstance(node, list):
        for child in node:
            yield from _raw_defaults(child)


def test_the_walk_reaches_every_default_of_the_schema() -> None:
    reached = {id(prop) for _, prop in SETTINGS_DEFAULTS} | {id(schema.resolve_ref(p)) for _, p in SETTINGS_DEFAULTS}
    lifecycle = schema.load_schema()["properties"]["lifecycle"]["properties"]["prevent_destroy"]
    assert set(_raw_defaults(schema.load_schema())) - reached == {id(lifecycle)}


def default_value(prop: dict[str, Any]) -> Any:
    return prop["default"] if "default" in prop else schema.resolve_ref(prop)["default"]


def base_for(path: FieldPath) -> dict[str, Any]:
    """The spec a setting is tried in: its table's kind, with the context of the setting and its parents (copied, as
    the tests then change the document)."""
    parents = [path[:n] for n in range(1, len(path) + 1)]
    document = AUTOSCALED if any(p in PROVISIONED for p in parents) else ON_DEMAND
    for parent in parents:
        document = {**document, "settings": deep_merge(document["settings"], CONTEXT.get(parent, {}))}
    return copy.deepcopy(document)


def with_setting(document: dict[str, Any], path: FieldPath, value: Any) -> dict[str, Any]:
    """`document` with settings at `path` set to `value`, or left out when value is OMIT (parents kept)."""
    node = document["settings"]
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    if value is OMIT:
        if isinstance(node, dict):
            node.pop(path[-1], None)
    else:
        node[path[-1]] = copy.deepcopy(value)
    return document


OMIT = object()


def at(settings: Any, path: FieldPath) -> Any:
    """The value at path; a missing key is None (dyngen reads a missing key and null alike)."""
    for part in path:
        settings = settings[part] if isinstance(part, int) else settings.get(part)
    return settings


@pytest.mark.parametrize(("path", "prop"), SETTINGS_DEFAULTS, ids=IDS)
def test_every_default_reaches_the_resolved_settings(path: FieldPath, prop: dict[str, Any]) -> None:
    document = with_setting(base_for(path), path, OMIT)
    resolved = resolve_data(document).environments["prod"]
    assert at(resolved.settings, path) == default_value(prop)
    assert resolved.origin(path).kind == "default"


def outcome(document: dict[str, Any]) -> tuple[str, Any]:
    """What dyngen makes of a document: its rendered files, or how many problems it has (their wording may differ
    between a key left out, "missing", and a key written null)."""
    loaded = load_document(yaml.safe_dump(document, sort_keys=False).encode(), "specs/orders.yaml")
    problems = validate_document(loaded)
    if problems:
        return "invalid", len(problems)
    spec = model.build_spec(loaded.data, "specs/orders.yaml", resolve(loaded))
    files = render_spec(spec)
    check_tree(spec, files)
    return "files", files


@cache
def omitted(path: FieldPath) -> tuple[str, Any]:
    """The outcome with the setting left out, shared by the two tests that compare with it."""
    return outcome(with_setting(base_for(path), path, OMIT))


@pytest.mark.parametrize(("path", "prop"), SETTINGS_DEFAULTS, ids=IDS)
def test_leaving_a_setting_out_renders_as_its_default(path: FieldPath, prop: dict[str, Any]) -> None:
    assert omitted(path) == outcome(with_setting(base_for(path), path, default_value(prop)))


def other_value(path: FieldPath, prop: dict[str, Any], default: Any) -> Any:
    """A valid value that is not the default: an example, the other boolean or enum value, or a bound."""
    target = schema.resolve_ref(prop)
    candidates = [OTHER[path]] if path in OTHER else []
    candidates += list(prop.get("examples", [])) + list(target.get("examples", [])) + list(target.get("enum", []))
    if default is True or default is False:
        candidates.insert(0, not default)
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        candidates += [target.get("minimum"), target.get("maximum")]
    return next(c for c in candidates if c is not None and c != default)


@pytest.mark.parametrize(("path", "prop"), [(p, s) for p, s in SETTINGS_DEFAULTS if p not in NOT_RENDERED],
                         ids=[i for (p, _), i in zip(SETTINGS_DEFAULTS, IDS) if p not in NOT_RENDERED])
def test_every_default_is_a_terraform_setting_that_renders(path: FieldPath, prop: dict[str, Any]) -> None:
    """Another value changes the files: the default is not dead, so the equality above proves it rendered."""
    default = default_value(prop)
    changed = outcome(with_setting(base_for(path), path, other_value(path, prop, default)))
    assert changed[0] == "files", changed
    assert changed != omitted(path)


def test_every_exemption_names_a_default() -> None:
    assert set(NOT_RENDERED) <= {path for path, _ in SETTINGS_DEFAULTS}


def test_prevent_destroy_defaults_to_false() -> None:
    assert outcome(ON_DEMAND) == outcome({**ON_DEMAND, "lifecycle": {"prevent_destroy": False}})
    assert outcome(ON_DEMAND) != outcome({**ON_DEMAND, "lifecycle": {"prevent_destroy": True}})


def test_an_s3_backend_locks_with_a_lock_file_by_default() -> None:
    """The bug this file is for: `{s3: {bucket}}` rendered no locking at all."""
    files = outcome(ON_DEMAND)[1]
    backend = hcl2.loads(files["orders/envs/prod/backend.tf"])["terraform"][0]
    assert backend["required_version"] == '">= 1.10.0"'
    s3 = backend["backend"][0]['"s3"' if '"s3"' in backend["backend"][0] else "s3"]
    assert (s3["use_lockfile"], s3["encrypt"], s3["key"]) == (True, True, '"dynamodb/orders/prod/terraform.tfstate"')
    assert 'required_version = ">= 1.10.0"' in files["orders/versions.tf"]


@pytest.mark.parametrize(
    ("s3", "expected"),
    [({"dynamodb_table": "terraform-locks"}, None), ({"use_lockfile": False}, False)],
    ids=["a DynamoDB lock table instead", "turned off explicitly"],
)
def test_lock_file_gives_way(s3: dict[str, Any], expected: bool | None) -> None:
    document = copy.deepcopy(ON_DEMAND)
    document["settings"]["backend"]["s3"].update(s3)
    files = outcome(document)[1]
    text = files["orders/envs/prod/backend.tf"]
    assert ("use_lockfile" in text) == (expected is not None)
    assert (expected is False) == ("use_lockfile = false" in text)
    assert 'required_version = ">= 1.5.0"' in text and 'required_version = ">= 1.5.0"' in files["orders/versions.tf"]

