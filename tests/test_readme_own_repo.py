"""The README's "Using dyngen in your own repository" holds: its commands run as written, its versions are the
ones dyngen renders, its .gitignore keeps what must be committed, its pre-commit config is valid for the real
pre-commit and names hooks that exist."""

from __future__ import annotations

import importlib
import pkgutil
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import dyngen.features
from dyngen import render
from tests.helpers import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Using dyngen in your own repository"):README.index("## Writing safely")]


def subsection(title: str) -> str:
    start = SECTION.index(f"### {title}\n")
    end = SECTION.find("\n### ", start + 1)
    return SECTION[start:end if end != -1 else None]


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def shell_lines(title: str) -> list[list[str]]:
    """The dyngen commands of a subsection's `sh` blocks, comments dropped, `&&` chains split."""
    commands = []
    for block in fenced(subsection(title), "sh"):
        for line in block.splitlines():
            for part in line.split("#", 1)[0].split("&&"):
                if part.strip().startswith("dyngen "):
                    commands.append(shlex.split(part)[1:])
    return commands


def test_the_start_a_spec_commands_work_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository's root
    commands = shell_lines("Start a spec")
    assert [c[0] for c in commands] == ["init", "schema", "validate", "render"]
    for args in commands:
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
    spec = (tmp_path / "specs" / "orders.yaml").read_text()
    assert spec.startswith("# yaml-language-server: $schema=../schemas/dyngen.schema.json\n")
    assert (tmp_path / "schemas" / "dyngen.schema.json").is_file()
    assert (tmp_path / "generated" / "orders" / "envs" / "prod" / "main.tf").is_file()


def minimums() -> set[str]:
    """Every provider minimum a feature module declares (BASE_PROVIDER and the *_MINIMUM of newer arguments)."""
    found = {dyngen.features.BASE_PROVIDER}
    for module in pkgutil.iter_modules(dyngen.features.__path__):
        loaded = importlib.import_module(f"dyngen.features.{module.name}")
        found |= {v for k, v in vars(loaded).items() if k.endswith("MINIMUM") and isinstance(v, str)}
    return found


def test_the_versions_table_names_every_minimum_dyngen_renders() -> None:
    table = subsection("Terraform and AWS provider versions")
    for version in minimums():
        assert f"`{version}`" in table or f">= {version}" in table, version
    assert f"`>= {render.TERRAFORM_MINIMUM}`" in table and f"`>= {render.TERRAFORM_MINIMUM_LOCKFILE}`" in table
    assert f"< {render.PROVIDER_MAJOR_CEILING}" in table


def test_the_gitignore_keeps_the_lock_file_and_tfvars_and_render_leaves_them_alone(tmp_path: Path) -> None:
    (gitignore,) = fenced(subsection(".gitignore"), "gitignore")
    repo = tmp_path / "infra"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / ".gitignore").write_text(gitignore)
    assert run_cli("init", "orders", "--hash-key", "id", "--env", "dev", "--dir", str(repo / "specs")).exit_code == 0
    out = ["--out", str(repo / "generated")]
    assert run_cli("render", str(repo / "specs"), *out, "-q").exit_code == 0
    root = repo / "generated" / "orders" / "envs" / "dev"
    (root / ".terraform.lock.hcl").write_text("# lock\n")
    (root / ".terraform" / "providers").mkdir(parents=True)
    (root / "terraform.tfstate").write_text("{}")
    assert run_cli("render", str(repo / "specs"), *out, "--check").exit_code == 0
    assert run_cli("render", str(repo / "specs"), *out, "--fail-on-change").exit_code == 0
    assert (root / ".terraform.lock.hcl").read_text() == "# lock\n"
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=repo, capture_output=True,
                             text=True, input="\n".join(str(p.relative_to(repo)) for p in sorted(root.iterdir())))
    assert sorted(Path(p).name for p in ignored.stdout.split()) == [".terraform", "terraform.tfstate"]


def test_the_pre_commit_config_is_valid_and_names_hooks_that_exist(tmp_path: Path) -> None:
    (config,) = fenced(subsection("pre-commit"), "yaml")
    (tmp_path / ".pre-commit-config.yaml").write_text(config)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    offered = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    used = {hook["id"] for repo in yaml.safe_load(config)["repos"] for hook in repo["hooks"]}
    assert used <= offered and "dyngen-check" in subsection("pre-commit")


def test_the_ci_subsection_names_the_recipes_that_exist() -> None:
    for recipe in re.findall(r"`(docs/ci/[^`]+)`", subsection("CI")):
        assert (REPO / recipe).is_file(), recipe
