"""The command line: a thin shell that turns flags into calls of dyngen.core and results into text and exit codes."""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
import tempfile
import traceback
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from dyngen import core, scaffold, schema
from dyngen import explain as explainer
from dyngen.errors import (
    DyngenError, FileSystemError, InvalidSpecs, Problem, RoundTripError, UnsafeChange, UsageError, is_environment_error,
)
from dyngen.plan import Action, RenderPlan
from dyngen.safety import Finding

if TYPE_CHECKING:
    from dyngen.importer import ImportOutcome

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
DEFAULT_SPECS = "specs"
DEFAULT_OUT = "generated"
SUMMARY_WORDS = ((Action.CREATE, "created"), (Action.UPDATE, "updated"), (Action.DELETE, "deleted"),
                 (Action.UNCHANGED, "unchanged"))


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def style(text: str, **kwargs: Any) -> str:
    return click.style(text, **kwargs) if use_colour() else text


def format_problem(problem: Problem) -> str:
    """One line per problem, whatever the user's text holds: line breaks, control and bidi characters in a message
    or a field path (they quote the user's keys and values) are written as escapes."""
    where = f"{one_line(problem.file)}:{problem.line}:{problem.column}"
    field = f" [at {one_line(problem.field_path)}]" if problem.field_path else ""
    return f"{where}: {style('error', fg='red', bold=True)}: {one_line(problem.message)}{field}"


def one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def print_problems(problems: list[Problem], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps({"problems": [p.as_dict() for p in problems]}, indent=2, ensure_ascii=False))
        return
    for problem in problems:
        click.echo(format_problem(problem))
    if problems:
        files = len({p.file for p in problems})
        click.echo(f"{len(problems)} problem(s) in {files} file(s)", err=True)


def format_finding(finding: Finding, *, allowed: bool = False) -> str:
    """One line per finding: a refusal is an error, or a warning once --allow-destructive lets it through."""
    if finding.refused and not allowed:
        label = style("error", fg="red", bold=True)
    else:
        label = style("warning", fg="yellow", bold=True)
    suffix = " (written anyway: --allow-destructive)" if finding.refused and allowed else ""
    return f"{one_line(finding.location)}: {label}: {one_line(finding.message())}{suffix}"


def print_findings(findings: tuple[Finding, ...] | list[Finding], *, allowed: bool = False) -> None:
    for finding in findings:
        click.echo(format_finding(finding, allowed=allowed), err=True)


def handle_errors(command: Callable[..., int]) -> Callable[..., None]:
    """The one place that maps outcomes to exit codes; anything unexpected is reported as a bug."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, inside the boundary, not at exit
        except InvalidSpecs as error:
            print_problems(error.problems, kwargs.get("output_format", "text"))
            code = EXIT_INVALID
        except UnsafeChange as error:
            print_findings(error.findings)
            click.echo(f"{style('render refused', fg='red', bold=True)}: {error} (follow the advice above; "
                       f"`--allow-destructive` writes anyway)", err=True)
            code = error.exit_code
        except DyngenError as error:
            if kwargs.get("output_format") == "json":  # a tool reading stdout still gets one JSON object
                print_problems([Problem(getattr(error, "path", ""), 0, 0, str(error))], "json")
            click.echo(f"{style('error', fg='red', bold=True)}: {error}", err=True)
            code = error.exit_code
        except RoundTripError as error:
            code = report_bug(error, f"round trip failed: {error}")
        except BrokenPipeError:
            code = stop_writing_to_stdout()
        except OSError as error:
            if not is_environment_error(error):
                code = report_bug(error, f"{type(error).__name__}: {error}")
            else:  # no file name: the only files dyngen uses without naming them are its standard streams
                refused = FileSystemError(error, error.filename or "the standard output", "use")
                click.echo(f"{style('error', fg='red', bold=True)}: {refused}", err=True)
                code = EXIT_INVALID
        except Exception as error:  # noqa: BLE001 - the boundary: no traceback on the user's terminal
            code = report_bug(error, f"{type(error).__name__}: {error}")
        sys.exit(code)

    return run


def stop_writing_to_stdout() -> int:
    """The reader went away (`dyngen render --check | head`): stop quietly, as command line tools do. stdout now
    goes to /dev/null, so that Python's own flush at exit finds no closed pipe to complain about."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (a test's capture): nothing will flush into the pipe
        pass
    return EXIT_INVALID


def report_bug(error: BaseException, summary: str) -> int:
    """One line on stderr (no traceback): it is a bug, what it was, and where the full report is."""
    summary = " ".join(summary.split())
    if len(summary) > 300:
        summary = summary[:297] + "..."
    try:
        handle, path = tempfile.mkstemp(prefix="dyngen-bug-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as report:
            report.write("".join(traceback.format_exception(error)))
        where = f"full report in {path}; please attach it to a bug report"
    except OSError as failure:
        where = f"no report could be written ({failure.strerror})"
    label = style("internal error", fg="red", bold=True)
    click.echo(f"{label}: this is a bug in dyngen, not in your spec: {summary} ({where})", err=True)
    return EXIT_BUG


class Command(click.Command):
    """A command whose line in `dyngen --help` is its whole summary (click cuts it at the terminal's width)."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or " ".join((self.help or "").split("\n\n")[0].split())


class Group(click.Group):
    command_class = Command


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dyngen")
def main() -> None:
    """Generate Terraform for Amazon DynamoDB tables from short YAML specs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def validate(paths: tuple[str, ...], output_format: str) -> int:
    """Check spec files (or folders of them; default: specs/) and report every problem."""
    report = core.validate_paths(paths or (DEFAULT_SPECS,))
    print_problems(report.problems, output_format)
    if output_format == "text" and not report.problems:
        click.echo(f"{len(report.results)} spec(s) valid", err=True)
    return EXIT_INVALID if report.problems else EXIT_OK


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", default=DEFAULT_OUT, show_default=True, type=click.Path(), help="Output folder.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff when the output folder is stale.")
@click.option("--force", is_flag=True, help="Overwrite files that dyngen did not generate.")
@click.option("--allow-destructive", is_flag=True,
              help="Write even a change that would replace, duplicate or orphan a live table (listed as warnings).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when a file was written or deleted (pre-commit hooks).")
@handle_errors
def render(paths: tuple[str, ...], out: str, check: bool, force: bool, allow_destructive: bool, quiet: bool,
           fail_on_change: bool) -> int:
    """Render Terraform for spec files (or folders of them; default: specs/) into OUT."""
    outcome = core.render_paths(paths or (DEFAULT_SPECS,), out, check=check, force=force,
                                allow_destructive=allow_destructive)
    if check:
        return report_check(outcome, paths, out)
    print_findings(outcome.findings, allowed=True)
    if not quiet:
        print_plan(outcome.plan)
    return EXIT_INVALID if fail_on_change and outcome.plan.pending() else EXIT_OK


def print_plan(plan: RenderPlan) -> None:
    for change in plan.pending():
        click.echo(f"{change.action.value} {display(plan, change.path)}")
    summary = ", ".join(f"{plan.count(action)} {word}" for action, word in SUMMARY_WORDS)
    click.echo(summary)


def display(plan: RenderPlan, path: str) -> str:
    return (plan.out / path).as_posix()


def report_check(outcome: core.RenderOutcome, paths: tuple[str, ...], out: str) -> int:
    plan = outcome.plan
    stale = plan.pending() + plan.foreign()
    if not stale:
        click.echo(f"{out} is up to date", err=True)
        return EXIT_OK
    for change in stale:
        old, new = (change.old or "").splitlines(keepends=True), (change.new or "").splitlines(keepends=True)
        click.echo("".join(difflib.unified_diff(old, new, *diff_labels(plan, change.path))), nl=False)
    click.echo("", err=True)
    for change in stale:
        click.echo(f"{change.action.value} {display(plan, change.path)}", err=True)
    print_findings(outcome.findings)
    command = ["dyngen", "render", *paths] + ([] if out == DEFAULT_OUT else ["--out", out])
    if plan.foreign():
        click.echo(
            f"{len(stale)} file(s) out of date, {len(plan.foreign())} of them without dyngen's header: render will "
            f"refuse to overwrite those; check the edits, then run `{shlex.join(command + ['--force'])}`", err=True,
        )
    else:
        click.echo(f"{len(stale)} file(s) out of date; run `{shlex.join(command)}` to regenerate them", err=True)
    refused = sum(1 for f in outcome.findings if f.refused)
    if refused:
        click.echo(f"render would refuse {refused} change(s) that replace or orphan a live table: follow the advice "
                   f"above, or add --allow-destructive", err=True)
    return EXIT_INVALID


def diff_labels(plan: RenderPlan, path: str) -> tuple[str, str]:
    """git's a/ and b/ before a relative path; an absolute path as it is (never `a//tmp/...`)."""
    name = display(plan, path)
    return (name, name) if name.startswith("/") else (f"a/{name}", f"b/{name}")


@main.command(name="schema")
@click.option("--write", "write_to", type=click.Path(dir_okay=False), metavar="PATH",
              help="Write the schema to PATH (for editors when specs live outside this repository).")
@handle_errors
def print_schema(write_to: str | None) -> int:
    """Print the JSON Schema of the spec format, or write it to a file."""
    if write_to is None:
        click.echo(schema.schema_text(), nl=False)
    else:
        click.echo(f"wrote {schema.write_schema(Path(write_to))}", err=True)
    return EXIT_OK


@main.command(name="import")
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--aws", "live_table", metavar="TABLE",
              help="Read a live table through boto3 (pip install 'dyngen[aws]').")
@click.option("--region", help="With --aws: the table's region.")
@click.option("--profile", help="With --aws: the AWS CLI profile.")
@click.option("--out", default=DEFAULT_SPECS, show_default=True, type=click.Path(), help="Folder of the specs.")
@click.option("--name", help="Spec name (one table only); default: from the table name.")
@click.option("--env", default="prod", show_default=True, help="The environment that adopts the table.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the specs instead of writing them.")
@click.option("--force", is_flag=True, help="Overwrite existing specs.")
@click.option("--partial", is_flag=True, help="Exit 0 although some values were left as TODO comments.")
@handle_errors
def import_command(sources: tuple[str, ...], live_table: str | None, region: str | None, profile: str | None,
                   out: str, name: str | None, env: str, to_stdout: bool, force: bool, partial: bool) -> int:
    """Write a spec for each existing table that SOURCES describe (AWS CLI JSON files, .tf files, folders)."""
    from dyngen import importer  # the import command's modules load only when it runs

    options = importer.ImportOptions(Path(out), name, env, force, write=not to_stdout)
    if bool(sources) == bool(live_table):
        raise UsageError("give SOURCE files or folders, or --aws TABLE (not both)")
    if live_table:
        outcome = importer.import_live(live_table, options, region=region, profile=profile)
    else:
        outcome = importer.import_sources(sources, options)
    return report_import(outcome, to_stdout, partial)


def report_import(outcome: ImportOutcome, to_stdout: bool, partial: bool) -> int:
    for warning in outcome.warnings:
        click.echo(f"{warning.file}:{warning.line}:{warning.column}: {style('warning', fg='yellow', bold=True)}: "
                   f"{one_line(warning.message)}", err=True)
    print_problems(outcome.problems, "text")
    printed = 0
    for spec in outcome.specs:
        if spec.problems:
            print_problems(spec.problems, "text")
            click.echo(f"table {spec.draft.table_name}: the spec would be invalid; nothing written", err=True)
        elif spec.exists:
            click.echo(f"{spec.path} exists; nothing written (--force overwrites it)", err=True)
        elif to_stdout:
            click.echo(("---\n" if printed else "") + spec.text, nl=False)  # one YAML stream, a document per spec
            printed += 1
        else:
            todo = f" ({len(spec.draft.todos)} TODO)" if spec.draft.todos else ""
            click.echo(f"wrote {spec.path.as_posix()} (table {spec.draft.table_name}){todo}")
    return EXIT_OK if outcome.complete(partial) else EXIT_INVALID


@main.command()
@click.argument("name", required=False)
@click.option("--hash-key", metavar="KEY[:TYPE]", help="Partition key; TYPE is S (default), N or B.")
@click.option("--range-key", metavar="KEY[:TYPE]", help="Sort key, if any.")
@click.option("--env", "environments", multiple=True, metavar="ENV", help="An environment; repeat for more.")
@click.option("--profile", type=click.Choice(schema.enum("profile")), help="Profile of every environment.")
@click.option("--dir", "folder", default=DEFAULT_SPECS, show_default=True, type=click.Path(file_okay=False))
@handle_errors
def init(name: str | None, hash_key: str | None, range_key: str | None, environments: tuple[str, ...],
         profile: str | None, folder: str) -> int:
    """Write a new minimal spec, FOLDER/NAME.yaml; asks for what is missing on a terminal, never overwrites."""
    answers = init_answers(name, hash_key, range_key, environments, profile)
    created = scaffold.create_spec(answers, Path(folder))
    click.echo(f"created {created.path}", err=True)
    if not created.schema_found:
        click.echo(f"for editor completion: dyngen schema --write {scaffold.relative(created.schema, Path.cwd())}",
                   err=True)
    click.echo(f"next: edit it, then `dyngen validate {created.path}` and `dyngen render {created.path}`", err=True)
    return EXIT_OK


def ask(name: str | None, hash_key: str | None, range_key: str | None, environments: tuple[str, ...],
        profile: str | None) -> tuple[str, str, str, tuple[str, ...], str]:
    """Prompt for every answer not given as a flag."""
    name = name or click.prompt("Spec name (lower-case, e.g. orders)")
    hash_key = hash_key or click.prompt("Hash (partition) key, KEY[:S|N|B]")
    if range_key is None:
        range_key = click.prompt("Range (sort) key, KEY[:S|N|B] (empty: none)", default="", show_default=False)
    environments = environments or tuple(
        click.prompt("Environments, separated by commas", default="staging,prod").replace(",", " ").split())
    if profile is None:
        profile = click.prompt("Profile of every environment (empty: dyngen's defaults)", default="",
                               type=click.Choice(["", *schema.enum("profile")]), show_default=False)
    return str(name), str(hash_key), str(range_key), environments, str(profile)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def init_answers(name: str | None, hash_key: str | None, range_key: str | None, environments: tuple[str, ...],
                 profile: str | None) -> scaffold.NewSpec:
    """The flags, completed by prompts on a terminal; without one, every missing required flag is a usage error."""
    missing = [flag for flag, value in (("NAME", name), ("--hash-key", hash_key), ("--env", environments))
               if not value]
    if missing and not stdin_is_terminal():
        raise UsageError(f"missing {', '.join(missing)} (no terminal to ask on); e.g. "
                         "dyngen init orders --hash-key order_id --env staging --env prod")
    if missing:  # an interview: the optional answers are asked for too, once asking at all
        name, hash_key, range_key, environments, profile = ask(name, hash_key, range_key, environments, profile)
    return scaffold.NewSpec(
        name=str(name), hash_key=scaffold.parse_key(str(hash_key), "--hash-key"), environments=tuple(environments),
        range_key=scaffold.parse_key(range_key, "--range-key") if range_key else None, profile=profile or None,
    )


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.argument("environments", nargs=-1, metavar="[ENV]...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def explain(spec: str, environments: tuple[str, ...], output_format: str) -> int:
    """Show what a spec means in each environment and where every setting came from.

    \b
    Example: dyngen explain specs/orders.yaml prod --format json
    Exit codes: 0 explained, 1 the spec is invalid, 2 usage (no such environment).
    """
    explanation = explainer.explain(spec, environments)
    if output_format == "json":
        click.echo(json.dumps(explainer.as_json(explanation), indent=2, ensure_ascii=False))
    else:
        click.echo(explainer.as_text(explanation), nl=False)
    return EXIT_OK
