"""One resolution step per spec: dyngen's defaults < profile < settings < the environment's keys, merged once per
environment, with the layer and the source position that set every resolved value."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Iterator, Mapping

from dyngen import schema
from dyngen.errors import FieldPath
from dyngen.loader import Document

Settings = Mapping[str, Any]

# What each environment profile sets (seed 003's environment kinds), where it differs from the schema's defaults
# (a backup's daily schedule, 35 days of retention). README.md documents each one.
PROFILES: Mapping[str, Settings] = {
    "development": {
        "billing_mode": "PAY_PER_REQUEST",
        "point_in_time_recovery": {"enabled": False},
        "backup": {"enabled": False},
        "deletion_protection": False,
    },
    "staging": {
        "point_in_time_recovery": {"enabled": True},
        "backup": {"enabled": True},
        "deletion_protection": False,
    },
    "production": {
        "point_in_time_recovery": {"enabled": True, "recovery_period_days": 35},
        "backup": {"enabled": True, "delete_after_days": 365, "cold_storage_after_days": 30},
        "deletion_protection": True,
        "encryption": {"enabled": True, "create_kms_key": True, "kms_key_rotation": True},
        "contributor_insights": True,
    },
}

DEFAULT, PROFILE, SETTINGS, ENVIRONMENT = "default", "profile", "settings", "environment"


@dataclass(frozen=True)
class Origin:
    """Who set one resolved value: the layer, and where the spec writes it (for a profile: where it is chosen)."""

    kind: str  # "default", "profile", "settings" or "environment"
    layer: str  # "default", "profile <name>", "settings" or "environments.<env>"
    file: str
    written: FieldPath | None  # the value's path in the spec file; None for a default or a profile's value
    position: tuple[int, int] | None  # (line, column) of the value; for a profile, of its `profile` key

    def describe(self) -> str:
        """In the user's words: dyngen default, profile `production` (chosen at F:L:C), settings at F:L:C."""
        if self.kind == DEFAULT:
            return "dyngen default"
        where = f"{self.file}:{self.position[0]}:{self.position[1]}" if self.position else self.file
        if self.kind == PROFILE:
            return f"{self.layer} (chosen at {where})"
        return f"{self.layer} at {where}"


@dataclass(frozen=True)
class _Layer:
    kind: str
    name: str
    data: Any  # the layer's settings mapping
    base: FieldPath | None  # where the layer sits in the document; None for defaults and profiles


_FOUND, _ABSENT, _REPLACED = "found", "absent", "replaced"


def _lookup(data: Any, path: FieldPath) -> str:
    """Whether a layer holds path itself, leaves it to the layers below, or replaces an ancestor (a list, a scalar or
    null replaces whatever the layers below hold there: only mappings merge)."""
    node = data if data is not None else {}
    for depth, part in enumerate(path):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return _REPLACED if depth and not isinstance(node, Mapping) else _ABSENT
    return _FOUND


@dataclass(frozen=True)
class ResolvedSettings:
    """One environment's settings as they will be rendered, and where each value came from."""

    env: str
    settings: Settings
    profile: str | None
    document: Document
    layers: tuple[_Layer, ...]  # the highest first

    def origin(self, path: FieldPath) -> Origin:
        for layer in self.layers:
            found = _lookup(layer.data, path)
            if found == _FOUND:
                return self._origin(layer, path)
            if found == _REPLACED:
                break  # filled in by the schema's defaults below a value this layer replaced
        return Origin(DEFAULT, DEFAULT, self.document.file, None, None)

    def _origin(self, layer: _Layer, path: FieldPath) -> Origin:
        if layer.base is None:
            if layer.kind == DEFAULT:
                return Origin(DEFAULT, DEFAULT, self.document.file, None, None)
            chosen = self.written(("profile",))
            return Origin(PROFILE, layer.name, self.document.file, None, self.document.value_positions.get(chosen))
        written = layer.base + tuple(path)
        return Origin(layer.kind, layer.name, self.document.file, written, self.document.value_positions.get(written))

    def written(self, path: FieldPath) -> FieldPath:
        """Where the user wrote the value at path, or the nearest key that holds it; else the environment."""
        for depth in range(len(path), 0, -1):
            origin = self.origin(tuple(path[:depth]))
            if origin.written is not None:
                return origin.written
        return ("environments", self.env)

    def values(self) -> Iterator[tuple[FieldPath, Any]]:
        """Every resolved value by its path, in the schema's order: mappings and lists of mappings opened up."""
        yield from _values(self.settings, ())


def _values(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _values(item, path + (key,))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for i, item in enumerate(value):
            yield from _values(item, path + (i,))
    else:
        yield path, value


@dataclass(frozen=True)
class ResolvedSpec:
    """Every environment of one spec, resolved once (in the spec's order)."""

    document: Document
    environments: Mapping[str, ResolvedSettings]

    def settings(self, env: str) -> Settings:
        return self.environments[env].settings


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars replace; an explicit null replaces too (it unsets)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve(document: Document) -> ResolvedSpec:
    """Resolve every environment of a document that passed the schema."""
    return ResolvedSpec(document, {env: resolve_environment(document, env) for env in document.data["environments"]})


def resolve_data(data: Mapping[str, Any], file: str = "") -> ResolvedSpec:
    """The same for spec data without a file (no positions)."""
    return resolve(Document(file, data, {}, {}))


def resolve_environment(document: Document, env: str) -> ResolvedSettings:
    """dyngen's defaults < the environment's profile < settings < the environment's own keys; then the schema's
    defaults inside every object the layers left partial (backend.s3, autoscaling.read, each replica)."""
    layers = _layers(document, env)
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = deep_merge(merged, layer.data or {})
    profile = next((layer.name.split(" ", 1)[1] for layer in layers if layer.kind == PROFILE), None)
    return ResolvedSettings(env, schema.with_defaults(merged), profile, document, layers)


def _layers(document: Document, env: str) -> tuple[_Layer, ...]:
    data = document.data
    own = (data.get("environments") or {}).get(env) or {}
    settings = data.get("settings") or {}
    chosen = deep_merge(settings, own).get("profile")  # the schema allows a profile's name or null
    layers = [
        _Layer(ENVIRONMENT, f"environments.{env}", own, ("environments", env)),
        _Layer(SETTINGS, SETTINGS, settings, ("settings",)),
    ]
    if isinstance(chosen, str) and chosen in PROFILES:
        layers.append(_Layer(PROFILE, f"profile {chosen}", PROFILES[chosen], None))
    layers.append(_Layer(DEFAULT, DEFAULT, _defaults(), None))
    return tuple(layers)


@cache
def _defaults() -> Settings:
    """The schema's defaults, read once (merging copies what it changes, so the cached mapping is never altered)."""
    return schema.defaults()


def written(document: Document, env: str, path: FieldPath) -> FieldPath:
    """Where the user wrote an environment's value at path, without resolving (for problems the schema finds before
    resolution)."""
    return ResolvedSettings(env, {}, None, document, _layers(document, env)).written(path)
