"""The command line's smaller promises: usage errors in JSON, whole summaries in --help, readable diff headers,
what --check says about a file without dyngen's header, and a folder without specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

SPEC = """\
version: 1
name: orders
hash_key: id
attributes: {id: S}
environments:
  dev: {}
"""
from tests.helpers import run_cli


def run(*args: str) -> Result:
    result = run_cli(*args)
    assert isinstance(result.exception, (SystemExit, type(None))), result.output
    return result


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "orders.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_json_reports_a_missing_path_as_json_and_exits_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    result = run("validate", "--format", "json", missing)
    assert result.exit_code == 2
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["file"], problem["message"]) == (missing, f"no such file or folder: {missing}")


@pytest.mark.parametrize("args", [["--format", "json", "--bogus"], ["--bogus", "--format=json"]])
def test_validate_json_reports_clicks_own_usage_error_as_json(args: list[str]) -> None:
    result = run("validate", *args)
    assert result.exit_code == 2
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["message"] == "No such option '--bogus'."
    assert "Usage: " in result.stderr and "Error: No such option" in result.stderr


def test_render_json_reports_a_bad_option_value_as_its_report(tmp_path: Path) -> None:
    result = run("render", "--format", "json", "--out", str(tmp_path), "--check", "--jobs", "2")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert (report["out"], report["check"], report["stale"], report["written"]) == (str(tmp_path), True, None, False)
    assert "--jobs" in report["error"]


def test_a_usage_error_without_json_is_clicks_text() -> None:
    result = run("validate", "--bogus")
    assert result.exit_code == 2 and result.stdout == "" and "No such option" in result.stderr


def test_top_level_help_shows_whole_summaries() -> None:
    text = " ".join(run("--help").stdout.split())
    assert "validate Check spec files (or folders of them; default: specs/) and report every problem." in text
    assert "render Render Terraform for spec files (or folders of them; default: specs/) into OUT." in text
    assert "..." not in text.split("Commands:")[1]


def test_check_diff_headers_are_the_paths_as_given(repo: Path) -> None:
    relative = run("render", "--check")
    assert "--- a/generated/orders/main.tf\n+++ b/generated/orders/main.tf\n" in relative.stdout
    absolute = run("render", "--check", "--out", str(repo / "gen"))
    assert f"--- {repo}/gen/orders/main.tf\n+++ {repo}/gen/orders/main.tf\n" in absolute.stdout
    assert "//" not in "".join(line for line in absolute.stdout.splitlines(True) if line.startswith(("---", "+++")))


def test_check_of_a_file_without_the_header_names_force(repo: Path) -> None:
    assert run("render", "-q").exit_code == 0
    main_tf = repo / "generated" / "orders" / "main.tf"
    main_tf.write_text(main_tf.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    result = run("render", "--check")
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert "render will refuse to overwrite" in last and "`dyngen render --force`" in last, last
    assert "to regenerate" not in result.stderr
    assert run("render").exit_code == 1  # which is what it said


@pytest.mark.parametrize("command", ["validate", "render"])
def test_an_empty_folder_has_no_specs_and_exits_1(tmp_path: Path, command: str) -> None:
    (tmp_path / "empty").mkdir()
    result = run(command, str(tmp_path / "empty"), *(["--out", str(tmp_path / "gen")] if command == "render" else []))
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty'}:0:0: error: no specs here" in result.stdout
    assert not (tmp_path / "gen").exists()
