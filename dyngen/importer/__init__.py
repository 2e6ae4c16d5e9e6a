"""`dyngen import`: specs from what AWS (CLI JSON, or a live table through boto3) or Terraform files say about
existing tables; each spec validated by dyngen's own rules before it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from dyngen.errors import Problem, UsageError
from dyngen.importer import aws_documents
from dyngen.importer.aws_mapping import draft_from_aws
from dyngen.importer.draft import DEFAULT_ENV, Draft, Located, spec_name
from dyngen.importer.spec_text import problems_of, spec_text
from dyngen.writer import write_atomically

JSON_SUFFIX = ".json"
TERRAFORM_SUFFIX = ".tf"


@dataclass
class ImportedSpec:
    """One table's spec: its text and where it goes; `problems` when dyngen's validation refuses it (nothing is
    written), `exists` when a spec is already there and --force was not given."""

    draft: Draft
    path: Path
    text: str
    problems: list[Problem] = field(default_factory=list)
    exists: bool = False
    written: bool = False

    @property
    def imported(self) -> bool:
        return not self.problems and not self.exists


@dataclass
class ImportOutcome:
    specs: list[ImportedSpec]
    problems: list[Problem]  # sources dyngen could not read or place
    warnings: list[Located]

    def complete(self, partial: bool) -> bool:
        """Every table imported; without --partial, every value resolved too."""
        todo = any(s.draft.todos for s in self.specs)
        return not self.problems and all(s.imported for s in self.specs) and bool(self.specs) and (partial or not todo)


@dataclass(frozen=True)
class ImportOptions:
    out: Path = Path("specs")
    name: str | None = None
    env: str = DEFAULT_ENV
    force: bool = False
    write: bool = True  # False: --stdout


def import_sources(sources: Sequence[str | Path], options: ImportOptions) -> ImportOutcome:
    """Read every source, draft one spec per table, validate each and write the valid ones."""
    drafts, problems, skipped = read_sources(sources, options.env)
    outcome = finish(drafts, problems, options)
    outcome.warnings[:0] = skipped
    return outcome


def import_live(table: str, options: ImportOptions, *, region: str | None, profile: str | None) -> ImportOutcome:
    """A live table, read through boto3 (the optional `aws` extra)."""
    from dyngen.importer.aws_live import fetch  # boto3 is imported by this command only

    docs = fetch(table, region=region, profile=profile)
    return finish([draft_from_aws(docs, options.env)], [], options)


def read_sources(sources: Sequence[str | Path], env: str) -> tuple[list[Draft], list[Problem], list[Located]]:
    json_files, tf_folders = _find(sources)
    named = {str(Path(s)) for s in sources}
    loaded, problems, skipped = [], [], []
    for path, display in json_files:
        doc, problem = aws_documents.load(path, display)
        loaded += [doc] if doc else []
        if problem and display not in named and problem.message.startswith(aws_documents.UNKNOWN):
            # found in a folder (a package.json, a *.tf.json): not ours, said and skipped
            skipped.append(Located(problem.file, problem.line, problem.column, f"{problem.message}; skipped"))
        elif problem:
            problems.append(problem)
    tables, grouping = aws_documents.group(loaded)
    drafts = [draft_from_aws(t, env) for t in tables]
    if tf_folders:
        from dyngen.importer.terraform import drafts_from_terraform

        for files in tf_folders.values():
            found, tf_problems = drafts_from_terraform(files, env)
            drafts += found
            problems += tf_problems
    if not drafts and not problems + grouping:
        problems.append(Problem(", ".join(map(str, sources)), 0, 0, "no describe-table document and no "
                                "aws_dynamodb_table resource found"))
    return drafts, problems + grouping, skipped


def _find(sources: Sequence[str | Path]) -> tuple[list[tuple[Path, str]], dict[Path, list[tuple[Path, str]]]]:
    """JSON documents, and Terraform files grouped by folder (a Terraform module is one folder)."""
    json_files: list[tuple[Path, str]] = []
    tf_folders: dict[Path, list[tuple[Path, str]]] = {}
    for given in sources:
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (JSON_SUFFIX, TERRAFORM_SUFFIX)
                              and not any(part.startswith(".") for part in p.relative_to(path).parts))  # .terraform
        elif path.is_file():
            children = [path]
        else:
            raise UsageError(f"no such file or folder: {given}")
        for child in children:
            if child.suffix == TERRAFORM_SUFFIX:
                tf_folders.setdefault(child.parent, []).append((child, str(child)))
            else:
                json_files.append((child, str(child)))
    return json_files, tf_folders


def finish(drafts: list[Draft], problems: list[Problem], options: ImportOptions) -> ImportOutcome:
    if options.name is not None:
        if len(drafts) != 1:
            raise UsageError(f"--name names one spec, but the sources hold {len(drafts)} tables")
        drafts[0].document["name"] = options.name
    _unique_names(drafts)
    specs = [_spec(d, options) for d in drafts]
    if options.write:
        for spec in specs:
            if spec.imported:
                write_atomically(spec.path, spec.text)
                spec.written = True
    return ImportOutcome(specs, problems, [w for d in drafts for w in d.warnings])


def _unique_names(drafts: list[Draft]) -> None:
    """Two tables whose names make the same spec name get suffixes, so that neither overwrites the other."""
    seen: set[str] = set()
    for draft in drafts:
        base, number = draft.name, 2
        while draft.name in seen:
            draft.document["name"] = spec_name(f"{base}-{number}")
            number += 1
        seen.add(draft.name)


def _spec(draft: Draft, options: ImportOptions) -> ImportedSpec:
    path = options.out / f"{draft.name}.yaml"
    text = spec_text(draft)
    spec = ImportedSpec(draft, path, text, problems_of(text, str(path)))
    spec.exists = options.write and path.exists() and not options.force
    return spec
