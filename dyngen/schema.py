"""The JSON Schema of the spec format: loaded once, and the one place where enums, ranges and defaults are read."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from dyngen.errors import FileSystemError

SCHEMA_FILE = "dyngen.schema.json"


@cache
def schema_text() -> str:
    return resources.files("dyngen.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def write_schema(path: Path) -> Path:
    """The schema as a file, for editors when specs live outside this repository; parent folders are created."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_text(), encoding="utf-8")
    except OSError as error:
        raise FileSystemError(error, path) from None
    return path


@cache
def load_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def definition(name: str) -> dict[str, Any]:
    found: dict[str, Any] = load_schema()["definitions"][name]
    return found


def enum(name: str) -> list[Any]:
    """The allowed values of an enum definition, e.g. enum("billing_mode")."""
    return list(definition(name)["enum"])


def bounds(name: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) of a numeric definition; None where the schema sets no bound."""
    node = definition(name)
    return node.get("minimum"), node.get("maximum")


def resolve_ref(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s (and a nullable `oneOf`/`anyOf` wrapper) to the schema that describes a value."""
    while True:
        if "$ref" in node:
            node = definition(node["$ref"].rsplit("/", 1)[-1])
            continue
        branches = [b for b in node.get("oneOf", node.get("anyOf", [])) if b.get("type") != "null"]
        if len(branches) == 1:
            node = branches[0]
            continue
        return node


def settings_schema() -> dict[str, Any]:
    return definition("settings")


def defaults(node: dict[str, Any] | None = None) -> dict[str, Any]:
    """dyngen's default settings: every `default` of the settings schema, nested objects filled in."""
    properties = resolve_ref(node or settings_schema()).get("properties", {})
    found = {key: default_of(prop) for key, prop in properties.items()}
    return {key: with_defaults(value, properties[key]) for key, value in found.items() if value is not _NO_DEFAULT}


def with_defaults(value: Any, node: dict[str, Any] | None = None) -> Any:
    """`value` with the schema's defaults filled in wherever a key is missing: in every object that is present
    (a nullable object such as backend.s3 included), in each item of a list and in each value of a map. A key the
    user wrote, null included, is kept as written: null unsets. A default of null is left out: it means the same
    as a missing key, which validation's messages call missing."""
    target = resolve_ref(node or settings_schema())
    if isinstance(value, Mapping) and _is_object(target):
        return _object_with_defaults(value, target)
    if isinstance(value, (list, tuple)) and isinstance(target.get("items"), dict):
        return [with_defaults(item, target["items"]) for item in value]
    return value


def _object_with_defaults(value: Mapping[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = target.get("properties", {})
    extra = target.get("additionalProperties")
    filled: dict[str, Any] = {}
    for key, prop in properties.items():  # the schema's order, whatever the order the user wrote
        if key in value:
            filled[key] = with_defaults(value[key], prop)
        elif (default := default_of(prop)) is not _NO_DEFAULT and default is not None:
            filled[key] = with_defaults(default, prop)
    for key, item in value.items():
        if key not in properties:
            filled[key] = with_defaults(item, extra) if isinstance(extra, dict) else item
    return filled


def _is_object(node: dict[str, Any]) -> bool:
    return "properties" in node or isinstance(node.get("additionalProperties"), dict)


_NO_DEFAULT = object()


def default_of(prop: dict[str, Any]) -> Any:
    """The default of one property (a deep copy, so callers may keep it); an object without one of its own gets its
    children's defaults."""
    if "default" in prop:
        return copy.deepcopy(prop["default"])
    target = resolve_ref(prop)
    if "default" in target:
        return copy.deepcopy(target["default"])
    if "properties" in target:
        return defaults(target)
    return _NO_DEFAULT


def setting_default(*path: str) -> Any:
    """The schema's default of one settings key, e.g. setting_default("alarms", "period_seconds")."""
    return _default_at(settings_schema(), path)


def document_default(*path: str) -> Any:
    """The schema's default of a key of the spec itself, e.g. document_default("lifecycle", "prevent_destroy")."""
    return _default_at(load_schema(), path)


def _default_at(root: dict[str, Any], path: tuple[str, ...]) -> Any:
    node = resolve_ref(root)
    for part in path[:-1]:
        node = resolve_ref(node["properties"][part])
    found = default_of(node["properties"][path[-1]])
    if found is _NO_DEFAULT:
        raise KeyError(f"the schema gives {'.'.join(path)} no default")
    return found


def property_schema(path: tuple[str, ...]) -> dict[str, Any]:
    """The schema of a settings key by its path, e.g. ("autoscaling", "read", "target_utilization")."""
    node = resolve_ref(settings_schema())
    for part in path:
        node = resolve_ref(node["properties"][part])
    return node
