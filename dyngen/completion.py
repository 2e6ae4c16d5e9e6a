"""Shell completion of spec paths and of a spec's environment names: click and the YAML loader only, no validation,
so that a TAB press answers at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

SPEC_SUFFIXES = (".yaml", ".yml")
SPEC_PARAMETERS = ("spec", "paths", "path")  # the names a command gives the spec argument, in order of preference
MAX_DESCENT = 8


def complete_spec_paths(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Spec files (*.yaml, *.yml) and folders that start with what was typed. A lone folder is opened, so that
    bash, which ends a lone answer with a space, does not stop at `specs/ `."""
    items = _entries(incomplete)
    for _ in range(MAX_DESCENT):
        if len(items) != 1 or not items[0].value.endswith("/"):
            break
        inside = _entries(items[0].value)
        if not inside:
            break
        items = inside
    return items


def _entries(incomplete: str) -> list[CompletionItem]:
    folder, prefix = os.path.split(incomplete)
    try:
        entries = sorted(os.scandir(folder or "."), key=lambda e: e.name)
    except OSError:
        return []
    items = []
    for entry in entries:
        if not entry.name.startswith(prefix) or (entry.name.startswith(".") and not prefix.startswith(".")):
            continue
        shown = os.path.join(folder, entry.name)
        if _is_folder(entry):
            items.append(CompletionItem(shown + "/"))
        elif entry.name.endswith(SPEC_SUFFIXES):
            items.append(CompletionItem(shown))
    return items


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def complete_environments(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The environment names of the spec named earlier on the command line (its `spec`, `paths` or `path`
    argument), read with the loader only; nothing when that spec is missing or cannot be read."""
    from dyngen.errors import InvalidSpecs
    from dyngen.loader import read_document

    spec = spec_argument(ctx.params)
    if spec is None or not os.path.isfile(spec):
        return []
    try:
        environments = read_document(Path(spec), spec).data.get("environments")
    except InvalidSpecs:
        return []
    if not isinstance(environments, dict):
        return []
    given = ctx.params.get(param.name or "")
    already = set(given) if isinstance(given, (tuple, list)) else set()
    return [CompletionItem(name) for name in environments
            if isinstance(name, str) and name.startswith(incomplete) and name not in already]


def spec_argument(params: dict[str, Any]) -> str | None:
    for name in SPEC_PARAMETERS:
        value = params.get(name)
        if isinstance(value, (tuple, list)):
            value = value[0] if value else None
        if value:
            return str(value)
    return None
