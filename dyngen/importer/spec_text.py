"""The imported spec as YAML text: modeline, header naming the source, the document, and `# TODO` comments where
the source left a value unresolved. Checked with dyngen's own validation before anything is written."""

from __future__ import annotations

from typing import Any, Mapping

import yaml

from dyngen.errors import FieldPath, InvalidSpecs, Problem
from dyngen.importer.draft import Draft, ordered
from dyngen.loader import load_document
from dyngen.validate import validate_document

MODELINE = "# yaml-language-server: $schema=../schemas/dyngen.schema.json"
INDENT = "  "


def spec_text(draft: Draft) -> str:
    header = [MODELINE, f"# Imported by `dyngen import` from {draft.source} (table {draft.table_name})."]
    if draft.todos:
        header.append(f"# {len(draft.todos)} value(s) could not be resolved: see the TODO comments below.")
    return "\n".join(header + _mapping(ordered(draft.document), (), 0, draft.todos)) + "\n"


def problems_of(text: str, display: str) -> list[Problem]:
    """dyngen's own validation of the text, located as `validate` would locate it in the written file."""
    try:
        return validate_document(load_document(text.encode("utf-8"), display))
    except InvalidSpecs as error:
        return error.problems


def _mapping(mapping: Mapping[str, Any], path: FieldPath, depth: int, todos: Mapping[FieldPath, str]) -> list[str]:
    lines = []
    for key, value in mapping.items():
        lines += _entry(key, value, path + (key,), depth, todos)
    for todo_path, note in todos.items():
        if todo_path[:-1] == path and todo_path[-1] not in mapping:
            lines.append(f"{INDENT * depth}# TODO {todo_path[-1]}: {note}")
    return lines


def _entry(key: str, value: Any, path: FieldPath, depth: int, todos: Mapping[FieldPath, str]) -> list[str]:
    lead = f"{INDENT * depth}{_scalar(key)}:"
    note = f"  # TODO: {todos[path]}" if path in todos else ""
    if isinstance(value, Mapping) and (not _is_flat(value) or any(p[:-1] == path for p in todos)):
        return [lead + ("" if value else " {}") + note] + _mapping(value, path, depth + 1, todos)
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        lines = [lead + note]
        for number, item in enumerate(value):
            body = _mapping(item, path + (number,), depth + 2, todos)
            lines.append(f"{INDENT * (depth + 1)}- {body[0].lstrip()}")
            lines += body[1:]
        return lines
    return [f"{lead} {_flow(value)}{note}"]


def _is_flat(mapping: Mapping[str, Any]) -> bool:
    """Small mappings of scalars read best on one line, e.g. attributes: {pk: S, sk: N}."""
    scalars = all(not isinstance(v, (Mapping, list)) for v in mapping.values())
    return len(mapping) <= 4 and scalars and len(_flow(mapping)) <= 80


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True, sort_keys=False)
    return text.strip().removesuffix("...").strip()  # a lone scalar ends its document with "..."


def _scalar(value: Any) -> str:
    return _flow(value)
