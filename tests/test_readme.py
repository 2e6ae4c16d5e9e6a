"""The README says exactly what each environment profile sets (dyngen.model.PROFILES), and its set-up commands are
the ones CI runs."""

from __future__ import annotations

from typing import Any

import pytest

from dyngen.model import PROFILES
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def profile_table() -> dict[str, dict[str, str]]:
    lines = README[README.index("### Environment profiles"):].splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    header = next(line for line in lines if line.startswith("| setting |"))
    profiles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0].strip("`")] = dict(zip(profiles, cells[1:]))
    return table


def shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_profile_table_says_what_each_profile_sets(profile: str) -> None:
    table = profile_table()
    for setting, value in PROFILES[profile].items():
        cell = table[setting][profile]
        if isinstance(value, dict):
            for key, inner in value.items():
                assert f"{key}: {shown(inner)}" in cell, (profile, setting, key)
        else:
            assert f"`{shown(value)}`" in cell, (profile, setting)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest -q"
    assert command in README and command in ci
