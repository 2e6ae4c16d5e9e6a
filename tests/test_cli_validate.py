"""`dyngen validate` end to end: exit codes, every problem of every file, the JSON shape, colour, folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from dyngen import cli

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.+?)(?: \[at (?P<field>\S+)\])?$")

VALID = """\
version: 1
name: {name}
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {{}}
"""

# Three problems in one file: an unknown key, an enum and a range.
BAD_SCHEMA = """\
version: 1
name: orders
hash_key: order_id
attributes:
  order_id: S
settings:
  biling_mode: PROVISIONED
  table_class: COLD
  point_in_time_recovery: {enabled: true, recovery_period_days: 99}
environments:
  dev: {}
"""

# Two problems found by the rules after the schema: an undeclared key and an unused attribute.
BAD_RULES = """\
version: 1
name: users
hash_key: user_id
attributes:
  email: S
environments:
  dev: {}
"""
from tests.helpers import run_cli


def validate(*args: str, env: dict[str, str] | None = None) -> Result:
    result = run_cli("validate", *args, env=env)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.output
    return result


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reported(result: Result) -> list[dict[str, str]]:
    lines = [line for line in result.stdout.splitlines() if line]
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [m.groupdict() for m in matches if m]


# --- exit codes ------------------------------------------------------------------------------------------------------


def test_valid_spec_exits_0(tmp_path: Path) -> None:
    result = validate(str(write(tmp_path, "orders.yaml", VALID.format(name="orders"))))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 spec(s) valid" in result.stderr


def test_invalid_spec_exits_1(tmp_path: Path) -> None:
    result = validate(str(write(tmp_path, "orders.yaml", BAD_SCHEMA)))
    assert result.exit_code == 1, result.output


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = validate(str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2, result.output
    assert "nowhere.yaml" in result.stderr
    assert result.stdout == ""


def test_missing_path_among_good_ones_is_still_a_usage_error(tmp_path: Path) -> None:
    good = write(tmp_path, "orders.yaml", VALID.format(name="orders"))
    assert validate(str(good), str(tmp_path / "missing")).exit_code == 2


def test_default_folder_is_specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "specs/orders.yaml", BAD_SCHEMA)
    monkeypatch.chdir(tmp_path)
    result = validate()
    assert result.exit_code == 1
    assert all(p["file"] == os.path.join("specs", "orders.yaml") for p in reported(result))


def test_no_specs_folder_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = validate()
    assert result.exit_code == 2
    assert "specs" in result.stderr


# --- every problem of every file -------------------------------------------------------------------------------------


def test_every_problem_of_every_file_is_reported(tmp_path: Path) -> None:
    orders = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    users = write(tmp_path, "users.yaml", BAD_RULES)
    result = validate(str(orders), str(users))
    assert result.exit_code == 1
    problems = [(p["file"], p["line"], p["column"], p["field"]) for p in reported(result)]
    assert problems == [
        (str(orders), "7", "3", "settings.biling_mode"),
        (str(orders), "8", "16", "settings.table_class"),
        (str(orders), "9", "65", "settings.point_in_time_recovery.recovery_period_days"),
        (str(users), "3", "11", "hash_key"),
        (str(users), "5", "3", "attributes.email"),
    ]
    assert "5 problem(s) in 2 file(s)" in result.stderr


def test_messages_say_what_is_allowed(tmp_path: Path) -> None:
    result = validate(str(write(tmp_path, "orders.yaml", BAD_SCHEMA)))
    messages = [p["message"] for p in reported(result)]
    assert "unknown key `biling_mode` (did you mean `billing_mode`?)" in messages
    assert any("`COLD`" in m and "STANDARD, STANDARD_INFREQUENT_ACCESS" in m for m in messages)
    assert any("`99`" in m and "1 to 35" in m for m in messages)


def test_a_valid_file_next_to_bad_ones_reports_nothing(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", VALID.format(name="good"))
    write(tmp_path, "orders.yaml", BAD_SCHEMA)
    result = validate(str(tmp_path))
    assert {Path(p["file"]).name for p in reported(result)} == {"orders.yaml"}


# --- --format json -----------------------------------------------------------------------------------------------------


def test_json_lists_the_same_problems(tmp_path: Path) -> None:
    orders = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    users = write(tmp_path, "users.yaml", BAD_RULES)
    text = reported(validate(str(orders), str(users)))
    result = validate("--format", "json", str(orders), str(users))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert isinstance(problems, list)
    for problem in problems:
        assert set(problem) == {"file", "line", "column", "field", "message", "hint"}
        assert isinstance(problem["line"], int) and isinstance(problem["column"], int)
    assert [(p["file"], str(p["line"]), str(p["column"]), p["field"], p["message"]) for p in problems] == [
        (t["file"], t["line"], t["column"], t["field"], t["message"]) for t in text
    ]
    assert problems[0]["hint"] == "did you mean `billing_mode`?"


def test_json_of_valid_specs_is_an_empty_list(tmp_path: Path) -> None:
    result = validate("--format", "json", str(write(tmp_path, "orders.yaml", VALID.format(name="orders"))))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"problems": []}


def test_json_output_is_only_json(tmp_path: Path) -> None:
    result = validate("--format", "json", str(write(tmp_path, "orders.yaml", BAD_SCHEMA)))
    json.loads(result.stdout)  # the summary line goes to stderr, never into the JSON


# --- colour ------------------------------------------------------------------------------------------------------------


def test_no_colour_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    bad = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    result = run_cli("validate", str(bad), color=True, env={"NO_COLOR": None})
    assert result.exit_code == 1
    assert not ANSI.search(result.output)


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.sys, "stdout", _Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli.use_colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.use_colour()
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: present means off, whatever the value
    assert not cli.use_colour()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", [False, True])
def test_colour_on_a_real_terminal(tmp_path: Path, no_color: bool) -> None:
    bad = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = os.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "dyngen", "validate", str(bad)],
            stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60, check=False,
        )
        os.close(follower)
        follower = -1
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert process.returncode == 1
    text = output.decode("utf-8")
    assert "recovery_period_days" in text
    assert bool(ANSI.search(text)) is not no_color


# --- finding specs -----------------------------------------------------------------------------------------------------


def test_a_folder_finds_yaml_and_yml_recursively(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", BAD_SCHEMA.replace("name: orders", "name: a"))
    write(tmp_path, "team/b.yml", BAD_SCHEMA.replace("name: orders", "name: b"))
    write(tmp_path, "team/deep/c.yaml", BAD_SCHEMA.replace("name: orders", "name: c"))
    write(tmp_path, "notes.txt", "not: [a spec")
    write(tmp_path, "team/README.md", "# not a spec")
    result = validate(str(tmp_path))
    files = {Path(p["file"]).relative_to(tmp_path).as_posix() for p in reported(result)}
    assert files == {"a.yaml", "team/b.yml", "team/deep/c.yaml"}


def test_a_folder_of_valid_specs_counts_them(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", VALID.format(name="a"))
    write(tmp_path, "x/b.yml", VALID.format(name="b"))
    result = validate(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "2 spec(s) valid" in result.stderr


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    bad = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    result = validate(str(bad), str(tmp_path), str(bad))
    assert len(reported(result)) == 3


def test_two_specs_with_one_name_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", VALID.format(name="orders"))
    write(tmp_path, "b.yaml", VALID.format(name="orders"))
    result = validate(str(tmp_path))
    assert result.exit_code == 1
    [problem] = reported(result)
    assert problem["file"] == str(tmp_path / "b.yaml")
    assert problem["field"] == "name"
    assert "`orders`" in problem["message"] and str(tmp_path / "a.yaml") in problem["message"]


def test_absolute_path_from_another_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = validate(str(SPECS))
    assert result.exit_code == 0, result.output


def test_python_dash_m_dyngen_validate(tmp_path: Path) -> None:
    bad = write(tmp_path, "orders.yaml", BAD_SCHEMA)
    ok = subprocess.run(
        [sys.executable, "-m", "dyngen", "validate", str(SPECS)], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = subprocess.run(
        [sys.executable, "-m", "dyngen", "validate", "--format", "json", str(bad)], cwd=tmp_path,
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert failed.returncode == 1, failed.stderr
    assert len(json.loads(failed.stdout)["problems"]) == 3
    missing = subprocess.run(
        [sys.executable, "-m", "dyngen", "validate", "missing.yaml"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def test_the_repository_specs_validate() -> None:
    specs = sorted(SPECS.glob("*.yaml"))
    assert specs, "specs/ is empty"
    result = validate(str(SPECS))
    assert result.exit_code == 0, result.output
    assert f"{len(specs)} spec(s) valid" in result.stderr
