"""Folders of cases: each tests/cases/invalid/<rule>.yaml breaks one rule and says, on its first line, what
`dyngen validate` must report; tests/cases/valid/<rule>.yaml uses the same feature correctly.

An invalid case starts with `# expect: LINE:COL: MESSAGE SUBSTRING [at FIELD.PATH]` (the field is optional).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"^# expect: (?P<line>\d+):(?P<column>\d+): (?P<message>.+?)(?: \[at (?P<field>\S+)\])?$")
from tests.helpers import run_cli


@dataclass(frozen=True)
class Expected:
    line: int
    column: int
    message: str
    field: str | None


def expected_of(path: Path) -> Expected:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = EXPECT.match(first)
    assert match, f"{path.name}: the first line must be `# expect: LINE:COL: MESSAGE [at FIELD]`, found {first!r}"
    return Expected(int(match["line"]), int(match["column"]), match["message"], match["field"])


def cases(kind: str) -> list[Path]:
    return sorted((CASES / kind).glob("*.yaml"))


def run(*args: str) -> Result:
    result = run_cli("validate", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.mark.parametrize("case", cases("invalid"), ids=lambda p: p.stem)
def test_invalid_case_reports_exactly_its_problem_in_text(case: Path) -> None:
    expected = expected_of(case)
    result = run(str(case))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 1, result.stdout
    prefix = f"{case}:{expected.line}:{expected.column}: error: "
    assert lines[0].startswith(prefix), f"expected {prefix!r}, found {lines[0]!r}"
    assert expected.message in lines[0]
    if expected.field is not None:
        assert lines[0].endswith(f" [at {expected.field}]"), lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", cases("invalid"), ids=lambda p: p.stem)
def test_invalid_case_reports_exactly_its_problem_in_json(case: Path) -> None:
    expected = expected_of(case)
    result = run("--format", "json", str(case))
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == 1, problems
    [problem] = problems
    assert (problem["file"], problem["line"], problem["column"]) == (str(case), expected.line, expected.column)
    assert expected.message in problem["message"]
    if expected.field is not None:
        assert problem["field"] == expected.field


@pytest.mark.parametrize("case", cases("valid"), ids=lambda p: p.stem)
def test_valid_case_passes(case: Path) -> None:
    result = run(str(case))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_every_invalid_case_has_a_valid_twin() -> None:
    invalid = {p.name for p in cases("invalid")}
    valid = {p.name for p in cases("valid")}
    assert invalid, "no cases found"
    assert invalid == valid, f"without a valid twin: {sorted(invalid - valid)}; without an invalid one: {sorted(valid - invalid)}"
