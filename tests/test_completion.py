"""Shell completion through click's machinery: spec files and folders for PATH, a spec's environment names, the
scripts for bash, zsh and fish, a real bash run of the installed `dyngen`, and no heavy import while completing."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import BashComplete, CompletionItem

from dyngen.cli import main
from dyngen.completion import complete_environments, complete_spec_paths

HEAVY = ("jsonschema", "jinja2", "hcl2", "lark")
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BASH_LINE = 'eval "$(_DYNGEN_COMPLETE=bash_source dyngen)"\n'
DYNGEN = Path(sys.executable).with_name("dyngen")  # the console script this venv installed
SPEC = """\
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  staging: {}
  prod: {}
  prod-eu: {}
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """specs/ with specs, a sub-folder, a hidden file and files that are no specs; notes/ without any spec."""
    (tmp_path / "specs/team").mkdir(parents=True)
    (tmp_path / "specs/orders.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "specs/users.yml").write_text(SPEC.replace("orders", "users"), encoding="utf-8")
    (tmp_path / "specs/team/audit.yaml").write_text(SPEC.replace("orders", "audit"), encoding="utf-8")
    (tmp_path / "specs/README.md").write_text("no spec\n", encoding="utf-8")
    (tmp_path / "specs/.hidden.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/todo.txt").write_text("no spec\n", encoding="utf-8")
    return tmp_path


def complete(command: click.Command, args: list[str], incomplete: str, folder: Path) -> list[str]:
    with contextlib.chdir(folder):
        return [item.value for item in BashComplete(command, {}, "dyngen", "_DYNGEN_COMPLETE")
                .get_completions(args, incomplete)]


@pytest.mark.parametrize("command", ["validate", "render"])
def test_path_completion_offers_spec_files_and_folders_only(command: str, repository: Path) -> None:
    assert complete(main, [command], "specs/", repository) == ["specs/orders.yaml", "specs/team/", "specs/users.yml"]
    assert complete(main, [command], "specs/o", repository) == ["specs/orders.yaml"]
    assert complete(main, [command], "", repository) == ["notes/", "specs/"]
    assert complete(main, [command], "specs/.", repository) == ["specs/.hidden.yaml"]  # hidden when asked for


def test_a_lone_folder_is_opened_so_that_bash_does_not_stop_at_it(repository: Path) -> None:
    assert complete(main, ["render"], "sp", repository) == ["specs/orders.yaml", "specs/team/", "specs/users.yml"]
    assert complete(main, ["render"], "specs/t", repository) == ["specs/team/audit.yaml"]
    assert complete(main, ["render"], "no", repository) == ["notes/"]  # nothing inside to offer: the folder itself


def test_path_completion_after_other_arguments_and_options(repository: Path) -> None:
    assert complete(main, ["render", "specs/orders.yaml", "--check"], "specs/u", repository) == ["specs/users.yml"]
    assert complete(main, ["validate", "--format"], "g", repository) == ["github"]


def test_commands_complete(repository: Path) -> None:
    assert complete(main, [], "", repository) == ["explain", "import", "init", "render", "schema", "validate"]


def test_explain_completes_the_spec_then_its_environments(repository: Path) -> None:
    assert complete(main, ["explain"], "specs/o", repository) == ["specs/orders.yaml"]
    environments = complete(main, ["explain", "specs/orders.yaml"], "", repository)
    assert environments == ["staging", "prod", "prod-eu"], environments  # as the spec lists them


# An explain-like command, as the command of issue 10 declares it: SPEC, then environment names.
@click.command()
@click.argument("spec", shell_complete=complete_spec_paths)
@click.argument("environments", nargs=-1, shell_complete=complete_environments)
def explain(spec: str, environments: tuple[str, ...]) -> None:
    """Stand-in command line for the completion machinery; never run."""


def test_environment_names_of_the_spec_named_before(repository: Path) -> None:
    assert complete(explain, ["specs/orders.yaml"], "", repository) == ["staging", "prod", "prod-eu"]
    assert complete(explain, ["specs/orders.yaml"], "pr", repository) == ["prod", "prod-eu"]
    assert complete(explain, ["specs/orders.yaml", "prod"], "pr", repository) == ["prod-eu"]  # not twice


@pytest.mark.parametrize("text", [None, "version: [\n", "- a list\n", "environments: [dev]\n"])
def test_no_environment_names_without_a_readable_spec(text: str | None, tmp_path: Path) -> None:
    if text is not None:
        (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    assert complete(explain, ["spec.yaml"], "", tmp_path) == []


def test_complete_environments_called_directly(repository: Path) -> None:
    parameter = explain.params[1]
    for params in ({"spec": "specs/users.yml"}, {"paths": ("specs/users.yml", "specs/orders.yaml")}):
        with contextlib.chdir(repository):
            context = click.Context(explain, info_name="explain")
            context.params.update(params)
            items = complete_environments(context, parameter, "st")
        assert items and all(isinstance(item, CompletionItem) for item in items)
        assert [item.value for item in items] == ["staging"]


# --- the installed dyngen, as the shells run it -------------------------------------------------------------------

def run_dyngen(environment: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DYNGEN)], env={**os.environ, **environment}, cwd=folder, capture_output=True,
                          text=True, timeout=60, check=True)


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _dyngen_completion dyngen"), ("zsh", "#compdef dyngen"),
    ("fish", "complete --no-files --command dyngen"),
])
def test_each_shell_gets_its_script(shell: str, marker: str, tmp_path: Path) -> None:
    assert f"_DYNGEN_COMPLETE={shell}_source dyngen" in README, f"the README gives no line for {shell}"
    script = run_dyngen({"_DYNGEN_COMPLETE": f"{shell}_source"}, tmp_path).stdout
    assert marker in script and f"_DYNGEN_COMPLETE={shell}_complete" in script


def test_installed_dyngen_answers_bash_comp_words(repository: Path) -> None:
    answer = run_dyngen({"_DYNGEN_COMPLETE": "bash_complete", "COMP_WORDS": "dyngen validate specs/o",
                         "COMP_CWORD": "2"}, repository)
    assert answer.stdout.splitlines() == ["plain,specs/orders.yaml"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_real_bash_completes_through_the_sourced_script(repository: Path) -> None:
    """The README's line for bash, evaluated by bash, then its completion function called as bash calls it."""
    assert BASH_LINE in README, "the README's line for bash is the one this test runs"
    script = BASH_LINE + """
        ask() { COMPREPLY=(); COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _dyngen_completion dyngen; \
                printf '%s|' "${COMPREPLY[@]}"; echo; }
        ask dyngen ren
        ask dyngen render specs/
        ask dyngen validate --format ''
    """
    path = f"{DYNGEN.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run(["bash", "-c", script], env={**os.environ, "PATH": path}, cwd=repository,
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.splitlines() == ["render|", "specs/orders.yaml|specs/team/|specs/users.yml|",
                                          "text|json|github|"]


PROBE = """
import atexit, os, sys
atexit.register(lambda: print("IMPORTED:", *sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr))
{code}
"""


def heavy_imports(code: str, environment: dict[str, str], folder: Path) -> tuple[set[str], str]:
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, code=code)], cwd=folder, text=True,
                            env={**os.environ, **environment}, capture_output=True, timeout=60)
    line = next(line for line in result.stderr.splitlines() if line.startswith("IMPORTED:"))
    return set(line.split()[1:]), result.stdout


@pytest.mark.parametrize("words, expected", [("dyngen validate specs/o", "plain,specs/orders.yaml"),
                                             ("dyngen render --format j", "plain,json"),
                                             ("dyngen ", "plain,import")])
def test_completing_imports_no_validation_rendering_or_hcl(words: str, expected: str, repository: Path) -> None:
    environment = {"_DYNGEN_COMPLETE": "bash_complete", "COMP_WORDS": words,
                   "COMP_CWORD": str(len(words.split(" ")) - 1)}
    imported, stdout = heavy_imports("from dyngen.cli import main\nmain(prog_name='dyngen')", environment, repository)
    assert expected in stdout.splitlines()
    assert imported == set()


def test_environment_completion_imports_no_validation(repository: Path) -> None:
    code = """
import click
from dyngen.completion import complete_environments
context = click.Context(click.Command("explain"), info_name="explain")
context.params["spec"] = "specs/orders.yaml"
print(*(item.value for item in complete_environments(context, click.Argument(["environments"]), "")))
"""
    imported, stdout = heavy_imports(code, {}, repository)
    assert stdout.split() == ["staging", "prod", "prod-eu"]
    assert imported == set()


def test_the_probe_sees_a_heavy_import(repository: Path) -> None:
    """The probe itself can fail: validating does load jsonschema."""
    imported, _ = heavy_imports("from dyngen import core\ncore.validate_paths(['specs'])", {}, repository)
    assert "jsonschema" in imported
