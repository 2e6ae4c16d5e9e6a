"""The core that the CLI (and any Python caller) uses: find specs, validate them, render, plan, check or write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from dyngen import reuse
from dyngen.cache import Cache, default_folder
from dyngen.errors import InvalidSpecs, Problem, UnsafeChange, UsageError
from dyngen.outcome import SpecOutcome, SpecWork
from dyngen.plan import RenderPlan, plan_tree
from dyngen.render import layout
from dyngen.safety import Finding, assess, shared_states
from dyngen.tablefacts import spec_facts
from dyngen.tables import collisions
from dyngen.writer import apply_plan, foreign_refusal

if TYPE_CHECKING:
    from dyngen.validate import FileResult

SPEC_SUFFIXES = (".yaml", ".yml")
Progress = Callable[[int, int], None]  # (specs done, specs in all)


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


@dataclass(frozen=True)
class RenderOutcome:
    plan: RenderPlan
    written: bool
    findings: tuple[Finding, ...] = ()  # what the change does to live tables (refusals only with allow_destructive)


def find_specs(paths: Sequence[str | Path]) -> list[SpecFile]:
    """Spec files named directly, and every *.yaml / *.yml below named folders, in a stable order."""
    found: dict[Path, SpecFile] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file())
            if not children:
                raise InvalidSpecs([Problem(str(given), 0, 0, "no specs here: no *.yaml or *.yml file in this folder")])
            for child in children:
                found.setdefault(child.resolve(), SpecFile(child, str(child)))
        elif path.is_file():
            found.setdefault(path.resolve(), SpecFile(path, str(path)))
        else:
            raise UsageError(f"no such file or folder: {given}", str(given))
    return sorted(found.values(), key=lambda s: s.path.resolve().as_posix())


def validate_paths(paths: Sequence[str | Path]) -> ValidationReport:
    from dyngen.validate import (
        validate_file,  # jsonschema: imported by the commands that validate, not by --help
    )

    report = ValidationReport([validate_file(s.path, s.display) for s in find_specs(paths)])
    by_file = {r.file: r for r in report.results}
    for problem in problems_across_specs([_summary(r) for r in report.results]):
        by_file[problem.file].problems.append(problem)
    return report


def _summary(result: FileResult) -> SpecOutcome:
    """What the checks across specs read of a validated file: its name and its tables (none when it is invalid)."""
    if result.spec is None:
        return SpecOutcome(result.file, None, result.name_position, tuple(result.problems), {})
    tables = tuple(spec_facts(layout(result.spec), result.document))
    return SpecOutcome(result.file, result.spec.name, result.name_position, (), {}, result.claims, tables)


def problems_across_specs(specs: Sequence[SpecOutcome]) -> list[Problem]:
    """The checks that no single spec can make, the same for `validate` and `render`, whatever else is wrong: two
    specs with one name (one folder), two environments with one DynamoDB table, two roots with one Terraform state.
    A spec whose name another spec holds is reported once, for its name; its tables are not compared."""
    problems = _duplicate_names(specs)
    named_twice = {p.file for p in problems}
    compared = [s for s in specs if s.file not in named_twice]
    problems += collisions(c for s in compared for c in s.claims)
    problems += shared_states([t for s in compared for t in s.tables])
    return problems


def render_paths(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    check: bool = False,
    force: bool = False,
    allow_destructive: bool = False,
    jobs: int | None = None,
    use_cache: bool = True,
    on_progress: Progress | None = None,
) -> RenderOutcome:
    """Validate, render, round-trip check and plan every spec; assess what the plan does to live tables; then write
    the plan unless `check`.

    Raises InvalidSpecs (nothing is written) when any spec is invalid, UnsafeChange when the plan would replace,
    duplicate or orphan a live table (unless `allow_destructive`), and UnsafeWrite when it would touch a file dyngen
    did not generate. Specs are processed in parallel (`jobs` processes, default: one per core).
    With `use_cache`, verified results are kept in the user's cache folder (dyngen.cache) and reused.
    """
    spec_files = find_specs(paths)
    out_path = Path(out)
    work = [SpecWork(s.path, s.display, header_source(s.path, out_path)) for s in spec_files]
    store = Cache(default_folder() if use_cache else None)
    outcomes = _outcomes(work, out_path, store, check=check, jobs=jobs, on_progress=on_progress)
    problems = [p for o in outcomes for p in o.problems] + problems_across_specs(outcomes)
    if problems:
        raise InvalidSpecs(problems)
    planned = {path: text for o in outcomes for path, text in o.files.items()}
    folders = [header_source(Path(p), out_path) for p in paths if Path(p).is_dir()]
    sources = [w.source for w in work]
    plan = plan_tree(out_path, planned, owned_sources=sources, owned_folders=folders, force=force)
    findings = tuple(assess(plan, [t for o in outcomes for t in o.tables]))
    if not check:
        if not allow_destructive and any(f.refused for f in findings):
            raise UnsafeChange(findings, plan)
        if plan.foreign():
            raise foreign_refusal(plan, findings)
        apply_plan(plan)
    return RenderOutcome(plan, written=not check, findings=findings)


def _outcomes(
    work: list[SpecWork], out: Path, store: Cache, *, check: bool, jobs: int | None, on_progress: Progress | None
) -> list[SpecOutcome]:
    """Each spec's outcome, in order: reused when an earlier render of the same file is on disk unchanged
    (dyngen.reuse), else rendered and checked (dyngen.pipeline)."""
    done = 0

    def one_done() -> None:
        nonlocal done
        done += 1
        if on_progress:
            on_progress(done, len(work))

    found: dict[int, SpecOutcome] = {}
    for index, spec in enumerate(work):
        earlier = reuse.earlier_render(store, spec, out)
        if earlier is not None:
            found[index] = earlier
            one_done()
    rest = [index for index in range(len(work)) if index not in found]
    if rest:
        # Imported here: the pipeline brings the validator (jsonschema), which a run that reuses every spec never
        # needs. The renderer is loaded already (dyngen.render.layout); jinja2 loads with the first template.
        from dyngen import pipeline

        settings = pipeline.RunSettings(store.folder, compare_with=out if check else None)
        for index, outcome in zip(rest, pipeline.process_all([work[i] for i in rest], settings, jobs, one_done)):
            found[index] = outcome
    return [found[index] for index in range(len(work))]


def _duplicate_names(outcomes: Sequence[SpecOutcome]) -> list[Problem]:
    """Two specs with one name would render into the same folder."""
    first: dict[str, str] = {}
    problems = []
    for outcome in outcomes:
        if outcome.name is None:
            continue
        if outcome.name in first:
            line, column = outcome.name_position
            problems.append(Problem(
                outcome.file, line, column,
                f"spec name `{outcome.name}` is also used by {first[outcome.name]}; names must be unique", ("name",),
            ))
        else:
            first[outcome.name] = outcome.file
    return problems


def header_source(path: Path, out: Path) -> str:
    """How generated files name their spec: relative to the output folder's parent (the repository, usually), so
    the bytes do not depend on the working directory."""
    relative = os.path.relpath(path.resolve(), out.resolve().parent)
    return Path(relative).as_posix()
