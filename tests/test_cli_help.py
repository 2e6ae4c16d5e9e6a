"""Every command's --help: a one-line summary, an example that parses, the exit codes; the README's command table
names exactly the commands (and options) that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dyngen.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def help_text(*names: str) -> str:
    result = CliRunner().invoke(main, [*names, "--help"], prog_name="dyngen", terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def examples(text: str) -> list[str]:
    """The lines of the `Example:` paragraph."""
    match = re.search(r"^ *Examples?:\n((?: +\S.*\n?)+)", text, re.M)
    assert match, f"no Example: paragraph in\n{text}"
    return [line.strip() for line in match.group(1).splitlines()]


def resolve(example: str) -> click.Context:
    """Parse an example with dyngen's own command line, as the shell would hand it over (runs nothing)."""
    words = shlex.split(example)
    assert words[0] == "dyngen", example
    group = click.Context(main, info_name="dyngen")
    command = main.get_command(group, words[1])
    assert command is not None, f"no command {words[1]!r}: {example}"
    return command.make_context(words[1], words[2:], parent=group)


def test_the_top_level_help_shows_every_summary_in_full() -> None:
    text = " ".join(help_text().split())
    for name in COMMANDS:
        summary = " ".join((main.commands[name].help or "").split("\n\n")[0].split())
        assert summary and "\n" not in summary
        assert f"{name} {summary}" in text, f"`dyngen --help` cuts the summary of {name}"


@pytest.mark.parametrize("names", [(), *[(name,) for name in COMMANDS]], ids=lambda n: " ".join(n) or "dyngen")
def test_each_help_has_a_summary_an_example_that_parses_and_the_exit_codes(names: tuple[str, ...]) -> None:
    text = help_text(*names)
    usage, summary = text.split("\n\n")[:2]
    assert usage.startswith(f"Usage: {' '.join(('dyngen', *names))} ")
    assert summary.strip() and summary.strip()[-1] in ".)", summary
    found = examples(text)
    assert found and all(example.startswith("dyngen ") for example in found)
    for example in found:
        context = resolve(example)
        if names:
            assert context.command is main.commands[names[0]], f"the example of {names[0]} runs another command"
    codes = re.search(r"^ *Exit codes:\n((?: +\d .*\n?)+)", text, re.M)
    assert codes, f"no Exit codes: part in\n{text}"
    assert [line.split()[0] for line in codes.group(1).splitlines()] == ["0", "1", "2", "3"]


def test_an_example_with_a_wrong_flag_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        resolve("dyngen render specs/ --chek")


def command_table() -> list[tuple[str, list[str]]]:
    """(command name, options named) of each row of the README's command table."""
    section = README.split("## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"^\| `dyngen ([a-z-]+)([^`]*)` \|", line)
        if match:
            rows.append((match.group(1), re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", match.group(2))))
    return rows


def test_the_readme_command_table_lists_exactly_the_commands_that_exist() -> None:
    named = {name for name, _ in command_table()}
    assert named == set(COMMANDS)


@pytest.mark.parametrize("row", command_table(), ids=lambda row: row[0] + " " + " ".join(row[1]))
def test_every_option_in_the_readme_command_table_exists(row: tuple[str, list[str]]) -> None:
    name, options = row
    declared = {flag for param in main.commands[name].params for flag in (*param.opts, *param.secondary_opts)}
    assert set(options) <= declared, f"the README names {set(options) - declared} for `dyngen {name}`"
