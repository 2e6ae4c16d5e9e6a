"""What a person at a terminal feels: each command imports only what it needs, and a long render shows its progress
on a terminal (and only there)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HEAVY = ("jsonschema", "jinja2", "hcl2", "lark")
PROBE = """
import runpy, sys
sys.argv = ["dyngen"] + sys.argv[1:]
try:
    runpy.run_module("dyngen", run_name="__main__")
except SystemExit:
    pass
print("IMPORTED:", *(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""
SPEC = """\
version: 1
name: {name}
project: shop
hash_key: id
attributes: {{id: S}}
environments:
  dev: {{}}
"""


def imported(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )
    return set(done.stderr.splitlines()[-1].split()) - {"IMPORTED:"}


def write_specs(root: Path, count: int) -> None:
    (root / "specs").mkdir(exist_ok=True)
    for number in range(count):
        (root / f"specs/t{number}.yaml").write_text(SPEC.format(name=f"t{number}"), encoding="utf-8")


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("render", "--help"), ("schema",)])
def test_start_up_imports_no_validator_renderer_or_parser(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert imported(tmp_path, *args) == set()


def test_shell_completion_imports_no_validator_renderer_or_parser(tmp_path: Path) -> None:
    env = {"_DYNGEN_COMPLETE": "bash_complete", "COMP_WORDS": "dyngen re", "COMP_CWORD": "1"}
    assert imported(tmp_path, env=env) == set()


def test_validate_imports_no_renderer_or_parser(tmp_path: Path) -> None:
    write_specs(tmp_path, 1)
    assert imported(tmp_path, "validate", "specs") == {"jsonschema"}


def test_a_render_with_nothing_changed_imports_no_validator_renderer_or_parser(tmp_path: Path) -> None:
    write_specs(tmp_path, 1)
    assert imported(tmp_path, "render", "specs", "-q") == set(HEAVY)
    assert imported(tmp_path, "render", "specs", "-q") == set()
    assert imported(tmp_path, "render", "specs", "--check") == set()


# --- progress --------------------------------------------------------------------------------------------------------


def render_on_a_terminal(root: Path, *flags: str, env: dict[str, str] | None = None, expected_exit: int = 0) -> str:
    """stderr of `dyngen render` when stderr is a pseudo-terminal."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    environment.update(env or {"TERM": "xterm"})
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dyngen", "render", "specs", "--out", "gen", *flags],
            cwd=root, stdout=subprocess.DEVNULL, stderr=follower, env=environment,
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
        assert process.wait(timeout=120) == expected_exit
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return output.decode("utf-8")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_counts_specs_on_a_terminal(tmp_path: Path) -> None:
    write_specs(tmp_path, 3)
    text = render_on_a_terminal(tmp_path, "--no-cache")
    assert "1/3 specs" in text and "2/3 specs" in text and "3/3 specs" in text
    assert text.endswith("\r\x1b[K")  # erased when done


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("flags", "env"), [(("-q",), None), ((), {"NO_COLOR": "1"}), ((), {"TERM": "dumb"})],
                         ids=["quiet", "no_color", "dumb_terminal"])
def test_no_progress_when_quiet_or_refused(tmp_path: Path, flags: tuple[str, ...], env: dict[str, str] | None) -> None:
    write_specs(tmp_path, 3)
    assert "specs" not in render_on_a_terminal(tmp_path, "--no-cache", *flags, env=env)


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    write_specs(tmp_path, 3)
    done = subprocess.run([sys.executable, "-m", "dyngen", "render", "specs", "--out", "gen", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "/3" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_is_erased_before_an_error_is_reported(tmp_path: Path) -> None:
    write_specs(tmp_path, 3)
    (tmp_path / "gen/t2").mkdir(parents=True)
    (tmp_path / "gen/t2/main.tf").write_text("hand-written\n")  # a foreign file: the render is refused
    text = render_on_a_terminal(tmp_path, "--no-cache", expected_exit=1)
    assert "3/3 specs\r\x1b[Kerror: not overwriting" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_end_with_a_killed_render(tmp_path: Path) -> None:
    """SIGKILL gives the pool no chance to stop its workers: they must not linger, waiting for work forever."""
    write_specs(tmp_path, 8)
    process = subprocess.Popen([sys.executable, "-m", "dyngen", "render", "specs", "--no-cache", "-q"], cwd=tmp_path)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and process.poll() is None:
        workers = children(process.pid)
        time.sleep(0.01)
    assert workers, "the render ended before its workers were seen"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)


def children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        return [int(c) for t in tasks for c in Path(f"/proc/{pid}/task/{t}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
