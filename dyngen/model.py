"""The table model: a validated spec document turned into a Spec with one fully resolved settings mapping per environment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from dyngen import schema

Settings = Mapping[str, Any]

DEFAULT_TABLE_NAME = "{project}-{env}-{name}"
DEFAULT_TABLE_NAME_WITHOUT_PROJECT = "{env}-{name}"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("project", "env", "name")

# What each environment profile sets (seed 003's environment kinds). They sit between dyngen's defaults and the
# spec: dyngen's defaults < profile < settings < the environment's own keys. README.md documents each one.
DAILY_BACKUP = "cron(0 3 ? * * *)"
PROFILES: Mapping[str, Settings] = {
    "development": {
        "billing_mode": "PAY_PER_REQUEST",
        "point_in_time_recovery": {"enabled": False},
        "backup": {"enabled": False},
        "deletion_protection": False,
    },
    "staging": {
        "point_in_time_recovery": {"enabled": True},
        "backup": {"enabled": True, "schedule": DAILY_BACKUP, "delete_after_days": 35},
        "deletion_protection": False,
    },
    "production": {
        "point_in_time_recovery": {"enabled": True, "recovery_period_days": 35},
        "backup": {
            "enabled": True,
            "schedule": DAILY_BACKUP,
            "delete_after_days": 365,
            "cold_storage_after_days": 30,
        },
        "deletion_protection": True,
        "encryption": {"enabled": True, "create_kms_key": True, "kms_key_rotation": True},
        "contributor_insights": True,
    },
}


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str | None  # None for a local secondary index: it shares the table's hash key
    range_key: str | None
    projection_type: str
    non_key_attributes: tuple[str, ...]


@dataclass(frozen=True)
class Environment:
    name: str
    table_name: str
    settings: Settings


@dataclass(frozen=True)
class Spec:
    name: str
    source: str  # the spec's path as the user named it, quoted in every generated header
    description: str | None
    project: str | None
    hash_key: str
    range_key: str | None
    attributes: tuple[tuple[str, str], ...]
    global_indexes: tuple[Index, ...]
    local_indexes: tuple[Index, ...]
    prevent_destroy: bool
    environments: tuple[Environment, ...]


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars replace; an explicit null replaces too (it unsets)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def user_settings(document: Mapping[str, Any], env: str) -> dict[str, Any]:
    """What the spec itself says for one environment: settings with the environment's keys merged over them."""
    settings = document.get("settings") or {}
    overrides = (document.get("environments") or {}).get(env) or {}
    return deep_merge(settings, overrides)


def profile_name(document: Mapping[str, Any], env: str) -> str | None:
    return user_settings(document, env).get("profile")


def resolve_settings(document: Mapping[str, Any], env: str) -> dict[str, Any]:
    """dyngen's defaults < the environment's profile < settings < the environment's own keys; then the schema's
    defaults inside every object the layers left partial (backend.s3, autoscaling.read, each replica)."""
    profile = PROFILES.get(profile_name(document, env) or "", {})
    merged = deep_merge(deep_merge(schema.defaults(), profile), user_settings(document, env))
    resolved: dict[str, Any] = schema.with_defaults(merged)
    return resolved


def table_name_template(document: Mapping[str, Any]) -> str:
    if document.get("table_name"):
        template: str = document["table_name"]
        return template
    return DEFAULT_TABLE_NAME if document.get("project") else DEFAULT_TABLE_NAME_WITHOUT_PROJECT


def unknown_placeholders(template: str) -> list[str]:
    return [p for p in PLACEHOLDER.findall(template) if p not in PLACEHOLDERS]


def render_table_name(template: str, *, project: str | None, env: str, name: str) -> str:
    values = {"project": project or "", "env": env, "name": name}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def build_spec(document: Mapping[str, Any], source: str) -> Spec:
    """Turn a document that passed validation into the model the renderer works from."""
    template = table_name_template(document)
    environments = tuple(
        Environment(
            name=env,
            table_name=render_table_name(template, project=document.get("project"), env=env, name=document["name"]),
            settings=_frozen(resolve_settings(document, env)),
        )
        for env in sorted(document["environments"])
    )
    return Spec(
        name=document["name"],
        source=source,
        description=document.get("description"),
        project=document.get("project"),
        hash_key=document["hash_key"],
        range_key=document.get("range_key"),
        attributes=tuple(document["attributes"].items()),
        global_indexes=tuple(_index(i, local=False) for i in document.get("global_secondary_indexes") or []),
        local_indexes=tuple(_index(i, local=True) for i in document.get("local_secondary_indexes") or []),
        prevent_destroy=bool((document.get("lifecycle") or {}).get("prevent_destroy", False)),
        environments=environments,
    )


def _index(raw: Mapping[str, Any], *, local: bool) -> Index:
    return Index(
        name=raw["name"],
        hash_key=None if local else raw["hash_key"],
        range_key=raw.get("range_key"),
        projection_type=raw["projection_type"],
        non_key_attributes=tuple(raw.get("non_key_attributes") or ()),
    )


def _frozen(value: Any) -> Any:
    """Read-only views, so that no later step can change what validation saw."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def plain(value: Any) -> Any:
    """The model's read-only mappings and tuples as the dicts and lists that encoders take."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
