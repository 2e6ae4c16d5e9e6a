"""The core that the CLI (and any Python caller) uses: find specs, validate them, render, plan, check or write."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from dyngen.errors import InvalidSpecs, Problem, UsageError
from dyngen.model import Spec, build_spec
from dyngen.plan import RenderPlan, plan_tree
from dyngen.render import render_spec
from dyngen.roundtrip import check_tree
from dyngen.validate import FileResult, validate_file
from dyngen.writer import apply_plan

SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SpecFile:
    path: Path
    display: str  # as the user named it, for messages


@dataclass
class ValidationReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems]

    @property
    def specs(self) -> list[Spec]:
        return [r.spec for r in self.results if r.spec is not None]


@dataclass(frozen=True)
class RenderOutcome:
    plan: RenderPlan
    written: bool


def find_specs(paths: Sequence[str | Path]) -> list[SpecFile]:
    """Spec files named directly, and every *.yaml / *.yml below named folders, in a stable order."""
    found: dict[Path, SpecFile] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()):
                found.setdefault(child.resolve(), SpecFile(child, str(child)))
        elif path.is_file():
            found.setdefault(path.resolve(), SpecFile(path, str(path)))
        else:
            raise UsageError(f"no such file or folder: {given}")
    return sorted(found.values(), key=lambda s: s.path.resolve().as_posix())


def validate_paths(paths: Sequence[str | Path]) -> ValidationReport:
    report = ValidationReport([validate_file(s.path, s.display) for s in find_specs(paths)])
    _check_unique_names(report)
    return report


def _check_unique_names(report: ValidationReport) -> None:
    """Two specs with one name would render into the same folder."""
    by_name: dict[str, list[FileResult]] = defaultdict(list)
    for result in report.results:
        if result.spec is not None:
            by_name[result.spec.name].append(result)
    for name, results in by_name.items():
        for result in results[1:]:
            result.problems.append(Problem(
                result.file, 0, 0, f"spec name `{name}` is also used by {results[0].file}; names must be unique",
                ("name",),
            ))
            result.spec = None


def render_paths(
    paths: Sequence[str | Path], out: str | Path, *, check: bool = False, force: bool = False
) -> RenderOutcome:
    """Validate, render, round-trip check and plan every spec; then write the plan unless `check`.

    Raises InvalidSpecs (nothing is written) when any spec is invalid, and UnsafeWrite when the plan would touch a
    file dyngen did not generate.
    """
    spec_files = find_specs(paths)
    out_path = Path(out)
    report = validate_paths([s.path for s in spec_files])
    if report.problems:
        raise InvalidSpecs(report.problems)
    planned: dict[str, str] = {}
    sources = []
    for spec_file, spec in zip(spec_files, report.specs):
        spec = _with_source(spec, header_source(spec_file.path, out_path))
        sources.append(spec.source)
        files = render_spec(spec)
        check_tree(spec, files)
        planned.update(files)
    folders = [header_source(Path(p), out_path) for p in paths if Path(p).is_dir()]
    plan = plan_tree(out_path, planned, owned_sources=sources, owned_folders=folders, force=force)
    if not check:
        apply_plan(plan)
    return RenderOutcome(plan, written=not check)


def header_source(path: Path, out: Path) -> str:
    """How generated files name their spec: relative to the output folder's parent (the repository, usually), so
    the bytes do not depend on the working directory."""
    relative = os.path.relpath(path.resolve(), out.resolve().parent)
    return Path(relative).as_posix()


def _with_source(spec: Spec, source: str) -> Spec:
    return replace(spec, source=source)
