"""The table model: a validated spec document turned into a Spec with one fully resolved settings mapping per
environment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from dyngen import facts, schema
from dyngen.resolve import (
    PROFILES as PROFILES,  # the layers live in dyngen.resolve; kept importable from here
)
from dyngen.resolve import ResolvedSpec

Settings = Mapping[str, Any]

DEFAULT_TABLE_NAME = "{project}-{env}-{name}"
DEFAULT_TABLE_NAME_WITHOUT_PROJECT = "{env}-{name}"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("project", "env", "name")


def table_address(autoscaled: bool) -> str:
    """The table's address in an environment root: `autoscaled[0]` when Application Auto Scaling owns its capacity."""
    return f"module.table.aws_dynamodb_table.{'autoscaled' if autoscaled else 'this'}[0]"


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

    @property
    def autoscaled(self) -> bool:
        """The table lives at `autoscaled[0]`, its capacity owned by Application Auto Scaling (dyngen.facts)."""
        return facts.is_autoscaled(self.settings)

    @property
    def table_address(self) -> str:
        return table_address(self.autoscaled)


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


def table_name_template(document: Mapping[str, Any]) -> str:
    if document.get("table_name"):
        template: str = document["table_name"]
        return template
    return DEFAULT_TABLE_NAME if document.get("project") else DEFAULT_TABLE_NAME_WITHOUT_PROJECT


def unknown_placeholders(template: str) -> list[str]:
    return [p for p in PLACEHOLDER.findall(template) if p not in PLACEHOLDERS]


def expand_placeholders(template: str, *, project: str | None, env: str, name: str) -> str:
    """{project}, {env} and {name} in a table name or a state key; other braces stay as written."""
    values = {"project": project or "", "env": env, "name": name}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def table_name(document: Mapping[str, Any], env: str) -> str:
    """An environment's table name: the spec's table_name (or the default) with its placeholders filled in."""
    return expand_placeholders(table_name_template(document), project=document.get("project"), env=env,
                               name=document["name"])


def build_spec(document: Mapping[str, Any], source: str, resolved: ResolvedSpec) -> Spec:
    """Turn a document that passed validation, and its resolved environments, into the model the renderer works from."""
    environments = tuple(
        Environment(
            name=env,
            table_name=table_name(document, env),
            settings=_frozen(resolved.settings(env)),
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
        prevent_destroy=_prevent_destroy(document),
        environments=environments,
    )


def _prevent_destroy(document: Mapping[str, Any]) -> bool:
    written = (document.get("lifecycle") or {}).get("prevent_destroy")
    return bool(schema.document_default("lifecycle", "prevent_destroy") if written is None else written)


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
