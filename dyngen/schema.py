"""The JSON Schema of the spec format: loaded once, and the one place where enums, ranges and defaults are read."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dyngen.errors import CannotWrite

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
        raise CannotWrite.of(path, error) from None
    return path


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(schema_text())


def definition(name: str) -> dict[str, Any]:
    return load_schema()["definitions"][name]


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
    node = resolve_ref(node or settings_schema())
    result: dict[str, Any] = {}
    for key, prop in node.get("properties", {}).items():
        value = default_of(prop)
        if value is not _NO_DEFAULT:
            result[key] = value
    return result


_NO_DEFAULT = object()


def default_of(prop: dict[str, Any]) -> Any:
    """The default of one property; an object whose own default is a mapping gets its children's defaults too."""
    if "default" in prop:
        value = prop["default"]
        target = resolve_ref(prop)
        if isinstance(value, dict) and "properties" in target:
            return {**defaults(target), **value}
        return value
    target = resolve_ref(prop)
    if "default" in target:
        return target["default"]
    if "properties" in target:
        return defaults(target)
    return _NO_DEFAULT


def property_schema(path: tuple[str, ...]) -> dict[str, Any]:
    """The schema of a settings key by its path, e.g. ("autoscaling", "read", "target_utilization")."""
    node = resolve_ref(settings_schema())
    for part in path:
        node = resolve_ref(node["properties"][part])
    return node
