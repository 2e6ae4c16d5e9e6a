"""The real pre-commit runs this checkout's hooks (`pre-commit try-repo`) in a throw-away infrastructure repository,
offline: pip installs the hook repository (`language: python`) with no index, from a wheelhouse packed from this
venv's own distributions. A fresh tree passes; a spec changed without rendering is blocked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, run_cli
from tests.wheelhouse import build_wheelhouse

HOOKS = ("dyngen-validate", "dyngen-check", "dyngen-render")
DEAD_PROXY = "http://127.0.0.1:9"  # any attempt to reach the network fails at once


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    wheels = tmp_path_factory.mktemp("wheelhouse")
    build_wheelhouse(wheels, "dyngen", "setuptools")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "PRE_COMMIT"))}
    return {
        **env,
        "PIP_CONFIG_FILE": os.devnull,  # no index or find-links of this machine's pip configuration
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "NO_COLOR": "1",
    }


def sh(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def dyngen(repo: Path, env: dict[str, str], *args: str) -> None:
    result = sh([sys.executable, "-m", "dyngen", *args], repo, env)
    assert result.returncode == 0, result.stderr


def infrastructure_repo(folder: Path, env: dict[str, str]) -> Path:
    """A repository as a platform team has it: a spec made by `dyngen init`, its rendered tree, committed."""
    repo = folder / "infra"
    repo.mkdir()
    sh(["git", "init", "-q"], repo, env)
    dyngen(repo, env, "init", "orders", "--hash-key", "order_id", "--env", "dev")
    dyngen(repo, env, "render", "-q")
    sh(["git", "add", "-A"], repo, env)
    sh(["git", "commit", "-q", "-m", "orders"], repo, env)
    return repo


def try_repo(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = sh([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files", "--color", "never"],
                repo, env, timeout=600)
    print(result.stdout, result.stderr)
    return result


def hook_lines(output: str) -> dict[str, str]:
    """{hook name: Passed | Failed | ...} from pre-commit's summary lines `name.....Passed`."""
    lines = [line for line in output.splitlines() if line.startswith("dyngen") and "..." in line]
    return {line.split("...")[0].rstrip("."): line.rsplit(".", 1)[-1].strip() for line in lines}


def test_the_hook_manifest_offers_the_three_hooks() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert tuple(hooks) == HOOKS
    assert hooks["dyngen-validate"]["pass_filenames"] is True
    assert hooks["dyngen-check"]["pass_filenames"] is False and hooks["dyngen-render"]["pass_filenames"] is False
    assert all(hook["language"] == "python" for hook in hooks.values())


def test_a_fresh_tree_passes_every_hook(tmp_path: Path, offline_env: dict[str, str]) -> None:
    repo = infrastructure_repo(tmp_path, offline_env)
    result = try_repo(repo, offline_env)
    assert result.returncode == 0
    assert "Installing environment for" in result.stdout  # pip installed the hook repository, with no index
    assert hook_lines(result.stdout) == {
        "dyngen validate": "Passed", "dyngen render --check": "Passed", "dyngen render": "Passed"}
    assert sh(["git", "status", "--porcelain"], repo, offline_env).stdout == ""


def test_a_spec_changed_without_rendering_is_blocked_and_render_fixes_it(tmp_path: Path,
                                                                         offline_env: dict[str, str]) -> None:
    repo = infrastructure_repo(tmp_path, offline_env)
    spec = repo / "specs" / "orders.yaml"
    spec.write_text(spec.read_text() + "  prod:\n    profile: production\n")
    sh(["git", "add", "specs"], repo, offline_env)
    result = try_repo(repo, offline_env)
    assert result.returncode == 1
    assert hook_lines(result.stdout) == {
        "dyngen validate": "Passed", "dyngen render --check": "Failed", "dyngen render": "Failed"}
    assert "+++ b/generated/orders/envs/prod/main.tf" in result.stdout  # the check's diff names the missing root
    assert (repo / "generated/orders/envs/prod/main.tf").is_file()  # the render hook regenerated it
    assert sh([sys.executable, "-m", "dyngen", "render", "--check"], repo, offline_env).returncode == 0



def test_render_fail_on_change_fails_only_when_it_wrote(tmp_path: Path) -> None:


    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(
        "version: 1\nname: a\nhash_key: id\nattributes: {id: S}\nenvironments: {dev: {}}\n")
    args = ["render", str(tmp_path / "specs"), "--out", str(tmp_path / "out"), "--fail-on-change", "-q"]
    assert run_cli(*args).exit_code == 1  # created the tree
    assert run_cli(*args).exit_code == 0  # nothing left to write
