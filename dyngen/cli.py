"""The command line: a thin shell that turns flags into calls of dyngen.core and results into text and exit codes."""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
import tempfile
import traceback
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, overload

import click

from dyngen import completion, output_formats, schema
from dyngen.errors import (
    DyngenError,
    FileSystemError,
    InvalidSpecs,
    Problem,
    RoundTripError,
    UnsafeChange,
    UsageError,
    is_environment_error,
)
from dyngen.output_formats import Annotation
from dyngen.plan import Action, RenderPlan
from dyngen.text import escaped_line

if TYPE_CHECKING:
    from dyngen import core, scaffold
    from dyngen.importer import ImportOutcome
    from dyngen.safety import Finding

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
    where = f"{escaped_line(problem.file)}:{problem.line}:{problem.column}"
    field = f" [at {escaped_line(problem.field_path)}]" if problem.field_path else ""
    return f"{where}: {style('error', fg='red', bold=True)}: {escaped_line(problem.message)}{field}"


def print_json(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def print_problems(problems: list[Problem], output_format: str) -> None:
    if output_format == "json":
        print_json({"problems": [p.as_dict() for p in problems]})
        return
    if output_format == "github":  # on stdout, where GitHub Actions reads workflow commands
        for problem in problems:
            click.echo(str(output_formats.problem_annotation(problem)))
    else:
        for problem in problems:
            click.echo(format_problem(problem))
    if problems:
        files = len({p.file for p in problems})
        click.echo(f"{len(problems)} problem(s) in {files} file(s)", err=True)


def format_finding(finding: Finding, *, allowed: bool = False, checking: bool = False) -> str:
    """One line per finding: a refusal is an error, or a warning once --allow-destructive lets it through."""
    if finding.refused and not allowed:
        label = style("error", fg="red", bold=True)
    else:
        label = style("warning", fg="yellow", bold=True)
    suffix = ""
    if finding.refused and allowed:
        suffix = " (allowed: --allow-destructive)" if checking else " (written anyway: --allow-destructive)"
    return f"{escaped_line(finding.location)}: {label}: {escaped_line(finding.message())}{suffix}"


def print_findings(findings: Sequence[Finding], *, allowed: bool = False, output_format: str = "text",
                   checking: bool = False) -> None:
    """Findings go to stderr as lines; with --format github they are annotations on stdout as well."""
    for finding in findings:
        click.echo(format_finding(finding, allowed=allowed, checking=checking), err=True)
        if output_format == "github":
            click.echo(str(output_formats.finding_annotation(finding, allowed=allowed)))


# (the command's options, the problems, an error that is no spec's problem, the exception raised)
FailureObject = Callable[[dict[str, Any], list[Problem], str | None, Exception | None], dict[str, Any]]


def problems_object(options: dict[str, Any], problems: list[Problem], error: str | None,
                    raised: Exception | None = None) -> dict[str, Any]:
    """`--format json` of a failed command: its problems; an error that is no spec's problem is one more."""
    if error:
        problems = [*problems, Problem(options.get("error_path", ""), 0, 0, error)]
    return {"problems": [p.as_dict() for p in problems]}


def report_failure(options: dict[str, Any], problems: list[Problem], error: str | None,
                   failure_object: FailureObject, raised: Exception | None = None) -> None:
    """Problems and an error in the command's --format on stdout (one JSON object, or annotations), or as text.
    An error (not a spec's problem) also goes to stderr, for the person reading the log."""
    output_format = options.get("output_format", "text")
    if output_format == "json":
        print_json(failure_object(options, problems, error, raised))
    elif problems:
        print_problems(problems, output_format)
    if error and output_format == "github":
        click.echo(str(Annotation("error", error, options.get("error_path", ""))))


CommandBody = Callable[..., int]
ClickCallback = Callable[..., None]


@overload
def handle_errors(command: CommandBody) -> ClickCallback: ...


@overload
def handle_errors(*, failure_object: FailureObject) -> Callable[[CommandBody], ClickCallback]: ...


def handle_errors(
    command: CommandBody | None = None, *, failure_object: FailureObject = problems_object
) -> ClickCallback | Callable[[CommandBody], ClickCallback]:
    """The one place that maps outcomes to exit codes; anything unexpected is reported as a bug.
    `failure_object` is what `--format json` prints when the command fails."""
    if command is None:
        return partial(handle_errors, failure_object=failure_object)

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, inside the boundary, not at exit
        except InvalidSpecs as error:
            report_failure(kwargs, error.problems, None, failure_object)
            code = EXIT_INVALID
        except UnsafeChange as error:
            print_findings(error.findings, output_format=kwargs.get("output_format", "text"))
            report_failure(kwargs, [], str(error), failure_object, error)
            click.echo(f"{style('render refused', fg='red', bold=True)}: {error} (follow the advice above; "
                       f"`--allow-destructive` writes anyway)", err=True)
            code = error.exit_code
        except DyngenError as error:
            print_findings(getattr(error, "findings", ()), allowed=bool(kwargs.get("allow_destructive")),
                           output_format=kwargs.get("output_format", "text"))
            report_failure({**kwargs, "error_path": getattr(error, "path", "")}, [], str(error), failure_object, error)
            click.echo(f"{style('error', fg='red', bold=True)}: {error}", err=True)
            code = error.exit_code
        except RoundTripError as error:
            code = report_bug(error, f"round trip failed: {error}")
            report_failure(kwargs, [], f"internal error (a bug in dyngen): round trip failed: {error}", failure_object)
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

    setattr(run, "failure_object", failure_object)  # for click's own usage errors (Command.parse_args)
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
    """A command whose line in `dyngen --help` is its whole summary (click cuts it at the terminal's width), and whose
    usage errors (an unknown option, a bad value) are one JSON object on stdout too when `--format json` is given."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or " ".join((self.help or "").split("\n\n")[0].split())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            failure_object = getattr(self.callback, "failure_object", None)
            if failure_object is None or option_value(given, "--format") != "json":
                raise
            error.show()  # click's usage text, on stderr, for the person reading the log
            options = {"output_format": "json", "out": option_value(given, "--out") or DEFAULT_OUT,
                       "check": "--check" in given}
            report_failure(options, [], error.format_message(), failure_object)
            ctx.exit(EXIT_USAGE)


def option_value(args: Sequence[str], name: str) -> str | None:
    """The value of `name` in arguments that click could not parse (`--name value` or `--name=value`), the last one
    given; None when it is absent."""
    found = None
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith(f"{name}="):
            found = arg.split("=", 1)[1]
    return found


class Group(click.Group):
    command_class = Command


EXIT_CODES = """\b
Exit codes:
  0  {ok}
  1  {invalid}
  2  usage error (a missing path, an unknown option)
  3  internal error: a bug in dyngen (a one-line summary names the full report)"""


def exit_codes(ok: str, invalid: str) -> str:
    return EXIT_CODES.format(ok=ok, invalid=invalid)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="\b\nExample:\n  dyngen init orders --hash-key order_id --env staging --env prod\n"
                    "  dyngen render specs/\n\n" + exit_codes("success", "invalid spec, stale output or refused write")
                    + "\n\nShell completion: see the README (`_DYNGEN_COMPLETE=bash_source dyngen`).")
@click.version_option(package_name="dyngen")
def main() -> None:
    """Generate Terraform for Amazon DynamoDB tables from short YAML specs."""


FORMATS = click.Choice(["text", "json", "github"])
FORMAT_HELP = "text for people, json for tools, github for workflow annotations inline in a pull request."


@main.command(epilog=exit_codes("every spec is valid", "a spec is invalid"))
@click.argument("paths", nargs=-1, type=click.Path(), shell_complete=completion.complete_spec_paths)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True, help=FORMAT_HELP)
@handle_errors
def validate(paths: tuple[str, ...], output_format: str) -> int:
    """Check spec files (or folders of them; default: specs/) and report every problem.

    \b
    Example:
      dyngen validate specs/ --format github
    """
    from dyngen import (
        core,  # validation's modules load only when it runs (completion and --help stay fast)
    )

    report = core.validate_paths(paths or (DEFAULT_SPECS,))
    print_problems(report.problems, output_format)
    if output_format == "text" and not report.problems:
        click.echo(f"{len(report.results)} spec(s) valid", err=True)
    return EXIT_INVALID if report.problems else EXIT_OK


def render_failure_object(options: dict[str, Any], problems: list[Problem], error: str | None,
                          raised: Exception | None = None) -> dict[str, Any]:
    """The report of a render that failed, with the plan and findings it had when it refused to write."""
    return output_formats.render_report(
        getattr(raised, "plan", None), out=options.get("out", DEFAULT_OUT), check=bool(options.get("check")),
        written=False, problems=problems, findings=getattr(raised, "findings", ()), error=error,
    )


@main.command(epilog=exit_codes("done (with --check: the output folder is up to date)",
                                "invalid spec, refused write; with --check: stale; with --fail-on-change: changed"))
@click.argument("paths", nargs=-1, type=click.Path(), shell_complete=completion.complete_spec_paths)
@click.option("--out", default=DEFAULT_OUT, show_default=True, type=click.Path(), help="Output folder.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff when the output folder is stale.")
@click.option("--force", is_flag=True, help="Overwrite files that dyngen did not generate.")
@click.option("--allow-destructive", is_flag=True,
              help="Write even a change that would replace, duplicate or orphan a live table (listed as warnings).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@click.option("--no-cache", is_flag=True, help="Neither read nor record verified results in the user's cache folder.")
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when a file was written or deleted (pre-commit hooks).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True,
              help="text; json: one object listing every path and its action; github: annotations for problems.")
@handle_errors(failure_object=render_failure_object)
def render(paths: tuple[str, ...], out: str, check: bool, force: bool, allow_destructive: bool, quiet: bool,
           no_cache: bool, fail_on_change: bool, output_format: str) -> int:
    """Render Terraform for spec files (or folders of them; default: specs/) into OUT.

    \b
    Example:
      dyngen render specs/ --out generated --check --format json
    """
    from dyngen import (
        core,  # rendering's modules load only when it runs (completion and --help stay fast)
    )

    progress = None if quiet or not shows_progress() else ProgressLine()
    try:
        outcome = core.render_paths(
            paths or (DEFAULT_SPECS,), out, check=check, force=force, allow_destructive=allow_destructive,
            use_cache=not no_cache, on_progress=progress,
        )
    finally:
        if progress:
            progress.erase()
    changed = bool(outcome.plan.pending()) if not check else False
    if output_format == "json":
        print_findings(outcome.findings, allowed=allow_destructive, checking=check)
        print_json(output_formats.render_report(outcome.plan, out=out, check=check, written=outcome.written,
                                                findings=outcome.findings))
        stale = bool(outcome.plan.pending() or outcome.plan.foreign())
        return EXIT_INVALID if (check and stale) or (fail_on_change and changed) else EXIT_OK
    if check:
        return report_check(outcome, paths, out, output_format, allow_destructive)
    print_findings(outcome.findings, allowed=True, output_format=output_format)
    if not quiet:
        print_plan(outcome.plan)
    return EXIT_INVALID if fail_on_change and changed else EXIT_OK


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


def report_check(outcome: core.RenderOutcome, paths: tuple[str, ...], out: str, output_format: str = "text",
                 allow_destructive: bool = False) -> int:
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
    print_findings(outcome.findings, allowed=allow_destructive, output_format=output_format, checking=True)
    refused = sum(1 for f in outcome.findings if f.refused)
    command = ["dyngen", "render", *paths] + ([] if out == DEFAULT_OUT else ["--out", out])
    command += ["--allow-destructive"] if refused else []  # the render that the check stands for, or the one to run
    first = "follow the refusal's advice above, then " if refused and not allow_destructive else ""
    if output_format == "github":
        for change in stale:
            fix = shlex.join(command + (["--force"] if change.action is Action.FOREIGN else []))
            click.echo(str(output_formats.stale_annotation(plan, change.path, change.action, f"{first}run `{fix}`")))
    if plan.foreign():
        click.echo(
            f"{len(stale)} file(s) out of date, {len(plan.foreign())} of them without dyngen's header: render will "
            f"refuse to overwrite those; check the edits, then {first}run `{shlex.join(command + ['--force'])}`",
            err=True,
        )
    else:
        click.echo(f"{len(stale)} file(s) out of date; {first}run `{shlex.join(command)}` to regenerate them", err=True)
    if refused and not allow_destructive:
        click.echo(f"render would refuse {refused} change(s) that replace or orphan a live table: follow the advice "
                   f"above, or add --allow-destructive", err=True)
    return EXIT_INVALID


def diff_labels(plan: RenderPlan, path: str) -> tuple[str, str]:
    """git's a/ and b/ before a relative path; an absolute path as it is (never `a//tmp/...`)."""
    name = display(plan, path)
    return (name, name) if name.startswith("/") else (f"a/{name}", f"b/{name}")


@main.command(name="schema", epilog=exit_codes("printed or written", "PATH cannot be written"))
@click.option("--write", "write_to", type=click.Path(dir_okay=False), metavar="PATH",
              help="Write the schema to PATH (for editors when specs live outside this repository).")
@handle_errors
def print_schema(write_to: str | None) -> int:
    """Print the JSON Schema of the spec format, or write it to a file.

    \b
    Example:
      dyngen schema --write schemas/dyngen.schema.json
    """
    if write_to is None:
        click.echo(schema.schema_text(), nl=False)
    else:
        click.echo(f"wrote {schema.write_schema(Path(write_to))}", err=True)
    return EXIT_OK


@main.command(name="import", epilog=exit_codes(
    "every table imported", "a source or spec refused, an existing spec kept, or a value left as TODO"))
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
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="github: problems and warnings as workflow annotations.")
@handle_errors
def import_command(sources: tuple[str, ...], live_table: str | None, region: str | None, profile: str | None,
                   out: str, name: str | None, env: str, to_stdout: bool, force: bool, partial: bool,
                   output_format: str) -> int:
    """Write a spec for each existing table that SOURCES describe (AWS CLI JSON files, .tf files, folders).

    \b
    Example:
      dyngen import describe-table.json --name orders --env prod --out specs
    """
    from dyngen import importer  # the import command's modules load only when it runs

    options = importer.ImportOptions(Path(out), name, env, force, write=not to_stdout)
    if bool(sources) == bool(live_table):
        raise UsageError("give SOURCE files or folders, or --aws TABLE (not both)")
    if live_table:
        outcome = importer.import_live(live_table, options, region=region, profile=profile)
    else:
        outcome = importer.import_sources(sources, options)
    return report_import(outcome, to_stdout, partial, output_format)


def report_import(outcome: ImportOutcome, to_stdout: bool, partial: bool, output_format: str = "text") -> int:
    for warning in outcome.warnings:
        if output_format == "github":  # stdout: GitHub reads it there; a spec printed with --stdout comes after
            click.echo(str(Annotation("warning", warning.message, warning.file, warning.line, warning.column)))
        else:
            click.echo(f"{warning.file}:{warning.line}:{warning.column}: {style('warning', fg='yellow', bold=True)}: "
                       f"{escaped_line(warning.message)}", err=True)
    print_problems(outcome.problems, output_format)
    printed = 0
    for spec in outcome.specs:
        if spec.problems:
            print_problems(spec.problems, output_format)
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


@main.command(epilog=exit_codes("created", "the file exists (never overwritten) or cannot be written"))
@click.argument("name", required=False)
@click.option("--hash-key", metavar="KEY[:TYPE]", help="Partition key; TYPE is S (default), N or B.")
@click.option("--range-key", metavar="KEY[:TYPE]", help="Sort key, if any.")
@click.option("--env", "environments", multiple=True, metavar="ENV", help="An environment; repeat for more.")
@click.option("--profile", type=click.Choice(schema.enum("profile")), help="Profile of every environment.")
@click.option("--dir", "folder", default=DEFAULT_SPECS, show_default=True, type=click.Path(file_okay=False))
@handle_errors
def init(name: str | None, hash_key: str | None, range_key: str | None, environments: tuple[str, ...],
         profile: str | None, folder: str) -> int:
    """Write a new minimal spec, FOLDER/NAME.yaml; asks for what is missing on a terminal, never overwrites.

    \b
    Example:
      dyngen init orders --hash-key order_id --range-key created_at:N --env staging --env prod --profile production
    """
    from dyngen import scaffold  # its validation modules load only when it runs

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
    from dyngen import scaffold

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


@main.command(epilog=exit_codes("explained", "the spec is invalid"))
@click.argument("spec", type=click.Path(dir_okay=False), shell_complete=completion.complete_spec_paths)
@click.argument("environments", nargs=-1, metavar="[ENV]...", shell_complete=completion.complete_environments)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def explain(spec: str, environments: tuple[str, ...], output_format: str) -> int:
    """Show what a spec means in each environment and where every setting came from.

    \b
    Example:
      dyngen explain specs/orders.yaml prod --format json
    """
    from dyngen import (
        explain as explainer,  # validation's modules load only when it runs
    )

    explanation = explainer.explain(spec, environments)
    if output_format == "json":
        click.echo(json.dumps(explainer.as_json(explanation), indent=2, ensure_ascii=False))
    else:
        click.echo(explainer.as_text(explanation), nl=False)
    return EXIT_OK
