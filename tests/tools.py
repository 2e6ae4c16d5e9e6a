"""The external checks in ../shared/tools (tools we did not write), and the one policy for when they are missing.

On a user's clone there is no ../shared: tests that need a tool skip and say why. `.ci/run` sets
DYNGEN_REQUIRE_TOOLS=1, which turns those skips into failures, so CI can never skip an external check silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("DYNGEN_TOOLS") or REPO.parent / "shared" / "tools")
REQUIRED = os.environ.get("DYNGEN_REQUIRE_TOOLS") == "1"

# What each tool needs on PATH besides itself.
NEEDS = {
    "hcl-check": ("node", "npm"),
    "tf-schema-check": (),
    "tf-plan": ("terraform",),
    "tf-resolve": (),
    "checkov-run": (),
}


def missing(tool: str) -> str | None:
    """Why `tool` cannot run here, or None when it can."""
    if not (TOOLS / tool).exists():
        return f"{TOOLS / tool} is missing (no ../shared/tools beside this clone)"
    for program in NEEDS.get(tool, ()):
        if shutil.which(program) is None:
            return f"{tool} needs `{program}`, which is not on PATH"
    return None


def require(*tools: str) -> None:
    """Skip the calling test when a tool cannot run, with the reason; fail instead under DYNGEN_REQUIRE_TOOLS=1."""
    for tool in tools:
        reason = missing(tool)
        if reason is not None:
            if REQUIRED:
                pytest.fail(f"DYNGEN_REQUIRE_TOOLS=1 but {reason}")
            pytest.skip(reason)


def run_tool(tool: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    require(tool)
    return subprocess.run([str(TOOLS / tool), *args], capture_output=True, text=True, timeout=timeout)


def write_tree(files: Mapping[str, str], folder: Path) -> Path:
    """Write {relative path: text} below `folder`; returns `folder`."""
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


def assert_external_checks_pass(folder: Path) -> None:
    """HashiCorp's parser with `terraform fmt`'s formatting, and the AWS provider schema, find nothing in `folder`."""
    require("hcl-check", "tf-schema-check")
    hcl_check = run_tool("hcl-check", "-q", str(folder))
    assert hcl_check.returncode == 0 and " 0 parse errors, 0 unformatted" in hcl_check.stdout, (
        hcl_check.stdout + hcl_check.stderr
    )
    schema_check = run_tool("tf-schema-check", str(folder))
    assert schema_check.returncode == 0, schema_check.stdout + schema_check.stderr


def tf_plan(
    *roots: Path,
    apply: bool = True,
    state: Path | None = None,
    save_state: Path | None = None,
    extra: tuple[str, ...] = (),
    tmp: Path,
) -> dict[str, Any]:
    """Run the real Terraform through tf-plan on `roots`; returns its --json report, keyed by root as given.

    `state` starts the one root from an earlier state file and `save_state` keeps the state it leaves: a replay
    applies one render with `save_state`, then plans the next against it with `state`.
    """
    report = tmp / f"tf-plan-{len(list(tmp.glob('tf-plan-*.json')))}.json"
    replay = (["--state", str(state)] if state else []) + (["--save-state", str(save_state)] if save_state else [])
    args = (["--apply"] if apply else []) + ["--json", str(report), *replay, *extra, *map(str, roots)]
    run = run_tool("tf-plan", *args)
    assert report.exists(), run.stdout + run.stderr
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    result["_run"] = run
    return result


def summary_line(report: Mapping[str, Any]) -> str:
    """tf-plan's last line: `tf-plan: R roots, E errors, W warnings[, U not converged]`."""
    lines = report["_run"].stdout.strip().splitlines()
    return lines[-1] if lines else report["_run"].stderr


def external_checks(files: Mapping[str, str], folder: Path) -> None:
    """Write a rendered tree below `folder` and run the external checks on it (assert_external_checks_pass)."""
    assert_external_checks_pass(write_tree(files, folder))
