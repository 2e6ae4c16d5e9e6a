"""The CI recipes in docs/ci are valid for their CI (the GitHub workflow and GitLab CI schemas that check-jsonschema
vendors, checked offline) and run only dyngen commands and options that exist and that the README documents."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from dyngen.cli import main
from tests.helpers import REPO

CI = REPO / "docs" / "ci"
RECIPES = {"github-actions.yml": "vendor.github-workflows", "gitlab-ci.yml": "vendor.gitlab-ci"}
DEAD_PROXY = "http://127.0.0.1:9"  # the vendored schemas must do: any attempt to fetch one fails at once
README = (REPO / "README.md").read_text(encoding="utf-8")


def check_jsonschema(schema: str, file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY,
           "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY}
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(file)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_the_recipe_is_valid_for_its_ci(recipe: str) -> None:
    result = check_jsonschema(RECIPES[recipe], CI / recipe)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("recipe, breakage", [
    ("github-actions.yml", ("timeout-minutes: 15", "timeout-minutes: fifteen")),
    ("gitlab-ci.yml", ("  script:", "  scripts:")),
])
def test_the_schema_check_catches_a_broken_recipe(recipe: str, breakage: tuple[str, str], tmp_path: Path) -> None:
    broken = tmp_path / recipe
    broken.write_text((CI / recipe).read_text().replace(*breakage))
    assert check_jsonschema(RECIPES[recipe], broken).returncode == 1


def commands(recipe: str) -> list[str]:
    """Every shell command line of a recipe: GitHub `run:` steps, GitLab `script:` items."""
    document = yaml.safe_load((CI / recipe).read_text())
    found: list[str] = []
    collect(document, found)
    return [line.strip() for text in found for line in text.splitlines() if line.strip()]


def collect(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run":
                found.append(value)
            elif key == "script":
                found.extend(value)
            else:
                collect(value, found)
    elif isinstance(node, list):
        for item in node:
            collect(item, found)


def dyngen_commands() -> list[list[str]]:
    return [shlex.split(line)[1:] for recipe in RECIPES for line in commands(recipe) if line.startswith("dyngen ")]


def test_the_recipes_validate_check_the_tree_and_its_format() -> None:
    for recipe in RECIPES:
        lines = commands(recipe)
        assert any(line.startswith("dyngen validate") for line in lines), recipe
        assert any(line.startswith("dyngen render --check") for line in lines), recipe
        assert "terraform fmt -check -recursive -diff generated/" in lines, recipe


@pytest.mark.parametrize("args", dyngen_commands(), ids=shlex.join)
def test_each_dyngen_command_exists_with_these_options_and_is_documented(args: list[str]) -> None:
    command = main.get_command(click.Context(main), args[0])
    assert command is not None, args
    command.make_context(args[0], args[1:])  # raises click's usage error for an unknown option or choice
    assert f"`dyngen {args[0]}" in README, f"the README's command table does not document `dyngen {args[0]}`"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_the_recipe_pins_dyngen_and_a_terraform_that_every_output_accepts(recipe: str) -> None:
    from dyngen.render import TERRAFORM_MINIMUM, TERRAFORM_MINIMUM_LOCKFILE

    text = (CI / recipe).read_text()
    pinned = re.search(r'DYNGEN: "dyngen @ git\+\S+@([0-9a-f]{40}|v[0-9][^"]*)"', text)
    assert pinned, "dyngen is installed from a tag or a commit, not a branch"
    versions = re.findall(r"(?:TERRAFORM_VERSION: \"|hashicorp/terraform:)([0-9.]+)", text)
    assert versions
    for version in versions:
        assert version_key(version) >= max(version_key(TERRAFORM_MINIMUM), version_key(TERRAFORM_MINIMUM_LOCKFILE))
