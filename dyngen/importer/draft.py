"""What one source says about one table, as a spec document, with the warnings and TODOs found on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dyngen.errors import FieldPath

DEFAULT_ENV = "prod"


@dataclass(frozen=True)
class Located:
    """A warning about the user's source, located in it (line and column 0 when they are unknown)."""

    file: str
    line: int
    column: int
    message: str

    def text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: warning: {self.message}"


@dataclass
class Draft:
    """One table's spec document as imported: `todos` names spec fields that the source left unresolved (each gets a
    `# TODO` comment in the spec), `warnings` what the user should know."""

    table_name: str
    source: str  # the source file(s), as the user named them, for the spec's header comment
    document: dict[str, Any]
    todos: dict[FieldPath, str] = field(default_factory=dict)
    warnings: list[Located] = field(default_factory=list)
    where: str = ""  # the file that warnings without a position of their own name

    def warn(self, message: str, line: int = 0, column: int = 0, file: str | None = None) -> None:
        self.warnings.append(Located(file or self.where, line, column, message))

    @property
    def name(self) -> str:
        return str(self.document["name"])

    def settings(self, env: str) -> dict[str, Any]:
        found: dict[str, Any] = self.document["environments"][env]
        return found


def spec_name(table_name: str) -> str:
    """A spec name (the folder under generated/) from a table name: lower case, other characters as `-`."""
    name = re.sub(r"[^a-z0-9_-]+", "-", table_name.lower()).strip("-_")
    return name[:64].rstrip("-_") or "table"


def new_document(table_name: str, env: str, region: str | None) -> dict[str, Any]:
    """The skeleton every importer fills: the real table name, so nothing is renamed, and one adopting environment.
    `prevent_destroy` because an adopted table holds data that Terraform did not create."""
    settings: dict[str, Any] = {"import_existing": True}
    if region:
        settings["region"] = region
    return {
        "version": 1,
        "name": spec_name(table_name),
        "table_name": table_name,
        "hash_key": None,
        "attributes": {},
        "lifecycle": {"prevent_destroy": True},
        "environments": {env: settings},
    }


def key_names(key_schema: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(hash key, range key) of an AWS KeySchema list."""
    by_type = {k.get("KeyType"): k.get("AttributeName") for k in key_schema or []}
    return by_type.get("HASH"), by_type.get("RANGE")


TOP_LEVEL_ORDER = ("version", "name", "table_name", "hash_key", "range_key", "attributes", "global_secondary_indexes",
                   "local_secondary_indexes", "lifecycle", "environments")


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The spec's keys in the order the README's example writes them."""
    known = {k: document[k] for k in TOP_LEVEL_ORDER if k in document}
    return known | {k: v for k, v in document.items() if k not in known}
