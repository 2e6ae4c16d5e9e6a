"""`dyngen explain`: what one spec means in each environment (resolved settings and where each value came from, the
table's name and address, the resources the module creates, the backend), as a value, as text and as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from dyngen import core
from dyngen.errors import FieldPath, InvalidSpecs, UsageError
from dyngen.model import Spec, plain
from dyngen.render import EnvironmentRoot, render
from dyngen.resolve import Origin, ResolvedSettings
from dyngen.resources import ModuleResource, module_resources
from dyngen.tablefacts import local_state
from dyngen.text import escaped_line

JSON_VERSION = 1  # raised when a field changes meaning or disappears; new fields may be added without it


@dataclass(frozen=True)
class Setting:
    path: FieldPath
    value: Any
    origin: Origin


@dataclass(frozen=True)
class EnvironmentExplanation:
    env: str
    profile: str | None
    table_name: str
    table_address: str
    region: str | None
    backend: Mapping[str, Any]  # {"type": "s3", bucket, key, ...} or {"type": "local", "path": ...}
    resources: tuple[ModuleResource, ...]  # those the environment creates (count 0 left out; unknown kept)
    settings: tuple[Setting, ...]


@dataclass(frozen=True)
class Explanation:
    spec: str
    file: str
    environments: tuple[EnvironmentExplanation, ...]


def explain(path: str | Path, environments: Sequence[str] = ()) -> Explanation:
    """Explain one spec file, for the environments named (all of them when none). Raises InvalidSpecs for an invalid
    spec and UsageError for an environment the spec does not have."""
    if Path(path).is_dir():
        raise UsageError(f"explain reads one spec file; {path} is a folder", str(path))
    report = core.validate_paths([path])
    if report.problems:
        raise InvalidSpecs(report.problems)
    result = report.results[0]
    assert result.spec is not None and result.resolved is not None  # a valid file has both
    spec, resolved = result.spec, result.resolved
    unknown = [e for e in environments if e not in resolved.environments]
    if unknown:
        known = ", ".join(sorted(resolved.environments))
        raise UsageError(f"{result.file} has no environment `{unknown[0]}` (it has: {known})", unknown[0])
    rendered = render(spec)
    roots = {root.env.name: root for root in rendered.layout.roots}
    chosen = [name for name in roots if not environments or name in environments]
    if environments:
        chosen.sort(key=list(environments).index)
    module_files = _module_files(spec, rendered.files)
    return Explanation(spec.name, result.file, tuple(
        _environment(spec, roots[name], resolved.environments[name], module_files) for name in chosen
    ))


def _module_files(spec: Spec, files: Mapping[str, str]) -> dict[str, str]:
    prefix = f"{spec.name}/"
    return {path: text for path, text in files.items()
            if path.startswith(prefix) and "/" not in path[len(prefix):] and path.endswith(".tf")}


def _environment(spec: Spec, root: EnvironmentRoot, resolved: ResolvedSettings,
                 module_files: Mapping[str, str]) -> EnvironmentExplanation:
    env = root.env
    # local.index_names reads the live table; the module's check block holds it to the spec's index names
    known = {"index_names": sorted(i.name for i in spec.global_indexes)}
    created = [r for r in module_resources(module_files, dict(root.tfvars), known) if r.count != 0]
    backend = {"type": "s3", **root.backend} if root.backend else {
        "type": "local", "path": local_state(f"{spec.name}/envs/{env.name}")}
    return EnvironmentExplanation(
        env=env.name,
        profile=resolved.profile,
        table_name=env.table_name,
        table_address=env.table_address,
        region=root.region,
        backend=backend,
        resources=tuple(created),
        settings=tuple(Setting(path, plain(value), resolved.origin(path)) for path, value in resolved.values()),
    )


# --- JSON ------------------------------------------------------------------------------------------------------------


def as_json(explanation: Explanation) -> dict[str, Any]:
    """The stable JSON form (README, "dyngen explain")."""
    return {
        "version": JSON_VERSION,
        "spec": explanation.spec,
        "file": explanation.file,
        "environments": [_environment_json(e) for e in explanation.environments],
    }


def _environment_json(e: EnvironmentExplanation) -> dict[str, Any]:
    return {
        "name": e.env,
        "profile": e.profile,
        "table_name": e.table_name,
        "table_address": e.table_address,
        "region": e.region,
        "backend": dict(e.backend),
        "resources": [{"address": r.address, "type": r.type, "name": r.name, "count": r.count} for r in e.resources],
        "settings": [_setting_json(s) for s in e.settings],
    }


def _setting_json(setting: Setting) -> dict[str, Any]:
    origin = setting.origin
    line, column = origin.position or (None, None)
    return {
        "path": dotted(setting.path),
        "value": setting.value,
        "origin": {"kind": origin.kind, "layer": origin.layer, "file": origin.file if origin.position else None,
                   "line": line, "column": column},
    }


def dotted(path: FieldPath) -> str:
    """backup.schedule, replicas[0].region_name."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- text ------------------------------------------------------------------------------------------------------------

VALUE_WIDTH = 40  # a longer value pushes its origin to the right rather than widening every row


def as_text(explanation: Explanation) -> str:
    lines = [f"{explanation.spec} ({explanation.file})"]
    for e in explanation.environments:
        lines += ["", *_environment_text(e)]
    return "\n".join(escaped_line(line) for line in lines) + "\n"


def _environment_text(e: EnvironmentExplanation) -> list[str]:
    profile = f" (profile {e.profile})" if e.profile else ""
    facts = [
        ("table name", e.table_name),
        ("table address", e.table_address),
        ("region", e.region or "(the provider's: none set)"),
        ("backend", _backend_text(e.backend)),
    ]
    lines = [f"environment {e.env}{profile}"] + [f"  {label:<16}{text}" for label, text in facts]
    lines.append(f"  {'resources':<16}{sum(r.count or 0 for r in e.resources)} in {len(e.resources)} block(s)")
    lines += [f"    {r.address:<56}{_count_text(r)}" for r in e.resources]
    lines += ["  settings", *_settings_text(e.settings)]
    return lines


def _backend_text(backend: Mapping[str, Any]) -> str:
    if backend["type"] == "local":
        return f"local state {backend['path']} (under the output folder)"
    return "s3 " + " ".join(f"{k}={_value(v)}" for k, v in backend.items() if k != "type")


def _count_text(resource: ModuleResource) -> str:
    return f"x {resource.count}" if resource.count is not None else f"x ? ({resource.expression})"


def _settings_text(settings: Iterable[Setting]) -> list[str]:
    rows: list[tuple[str, str, str]] = []
    group: Any = None
    for s in settings:
        top, rest = s.path[0], s.path[1:]
        if rest and top != group:
            rows.append((f"    {top}", "", ""))
        group = top if rest else None
        name = f"      {dotted(rest).lstrip('.')}" if rest else f"    {top}"
        rows.append((name, _value(s.value), s.origin.describe()))
    key_width = max(len(k) for k, _, _ in rows) + 2
    value_width = min(max(len(v) for _, v, _ in rows), VALUE_WIDTH) + 2
    return [f"{k:<{key_width}}{v:<{value_width}}{o}".rstrip() if v or o else k for k, v, o in rows]


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)
