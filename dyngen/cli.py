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
from typing import Any, Callable

import click

from dyngen import core, schema
from dyngen.errors import DyngenError, InvalidSpecs, Problem, RoundTripError
from dyngen.plan import Action, RenderPlan

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


def handle_errors(command: Callable[..., int]) -> Callable[..., None]:
    """The one place that maps outcomes to exit codes; anything unexpected is reported as a bug."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except InvalidSpecs as error:
            print_problems(error.problems, kwargs.get("output_format", "text"))
            code = EXIT_INVALID
        except DyngenError as error:
            click.echo(f"{style('error', fg='red', bold=True)}: {error}", err=True)
            code = error.exit_code
        except RoundTripError as error:
            code = report_bug(error, f"round trip failed: {error}")
        except Exception as error:  # noqa: BLE001 - the boundary: no traceback on the user's terminal
            code = report_bug(error, f"{type(error).__name__}: {error}")
        sys.exit(code)

    return run


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--no-cache", is_flag=True, help="Neither read nor record verified results in the user's cache folder.")
@handle_errors
def render(paths: tuple[str, ...], out: str, check: bool, force: bool, quiet: bool, no_cache: bool) -> int:
    """Render Terraform for spec files (or folders of them; default: specs/) into OUT."""
    progress = None if quiet or not shows_progress() else ProgressLine()
    try:
        outcome = core.render_paths(
            paths or (DEFAULT_SPECS,), out, check=check, force=force, use_cache=not no_cache, on_progress=progress,
        )
    finally:
        if progress:
            progress.erase()
    if check:
        return report_check(outcome.plan, paths, out)
    if not quiet:
        print_plan(outcome.plan)
    return EXIT_OK


def shows_progress() -> bool:
    """A live count only where a person watches: a terminal that understands it, colour not refused."""
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class ProgressLine:
    """`done/total specs` on stderr, rewritten in place; erased when the run ends, however it ends."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total > 1:
            click.echo(f"\r{done}/{total} specs", err=True, nl=False)
            self.shown = True

    def erase(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.shown = False


def print_plan(plan: RenderPlan) -> None:
    for change in plan.pending():
        click.echo(f"{change.action.value} {display(plan, change.path)}")
    summary = ", ".join(f"{plan.count(action)} {word}" for action, word in SUMMARY_WORDS)
    click.echo(summary)


def display(plan: RenderPlan, path: str) -> str:
    return (plan.out / path).as_posix()


def report_check(plan: RenderPlan, paths: tuple[str, ...], out: str) -> int:
    stale = plan.pending() + plan.foreign()
    if not stale:
        click.echo(f"{out} is up to date", err=True)
        return EXIT_OK
    for change in stale:
        old, new = (change.old or "").splitlines(keepends=True), (change.new or "").splitlines(keepends=True)
        name = display(plan, change.path)
        click.echo("".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")), nl=False)
    click.echo("", err=True)
    for change in stale:
        click.echo(f"{change.action.value} {display(plan, change.path)}", err=True)
    command = shlex.join(["dyngen", "render", *paths] + ([] if out == DEFAULT_OUT else ["--out", out]))
    click.echo(f"{len(stale)} file(s) out of date; run `{command}` to regenerate them", err=True)
    return EXIT_INVALID


@main.command(name="schema")
def print_schema() -> None:
    """Print the JSON Schema of the spec format."""
    click.echo(schema.schema_text(), nl=False)
