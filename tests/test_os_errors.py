"""The disk's refusals are the user's to fix: one line naming the path, exit 1, never "a bug in dyngen" (exit 3).

Tests run as root here, and root ignores file permissions, so a read-only or full disk and a denied permission
are simulated where dyngen meets them (the writer's mkstemp, fsync and rename); a path under a regular file,
/dev/full and a closed pipe are real.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dyngen import writer

REPO = Path(__file__).resolve().parents[1]
SPEC = """\
version: 1
name: orders
hash_key: id
attributes: {id: S}
environments:
  dev: {}
"""
from tests.helpers import run_cli


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def render(*args: str) -> Result:
    return run_cli("render", *args)


def assert_one_line_user_error(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "internal error" not in result.stderr and "bug" not in result.stderr, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("error: cannot "), line
    for text in expected:
        assert text in line, line


def raising(number: int) -> Any:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    return fail


def test_out_under_a_regular_file(spec: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    out = tmp_path / "notes.txt" / "generated"
    result = render(str(spec), "--out", str(out))
    assert_one_line_user_error(result, f"cannot write {out}/orders/", "a part of the path is a file, not a folder")


def test_read_only_out(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.tempfile, "mkstemp", raising(errno.EROFS))
    result = render(str(spec), "--out", str(tmp_path / "generated"))
    assert_one_line_user_error(result, str(tmp_path / "generated" / "orders"), "the file system is read-only")


def test_permission_denied(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.os, "replace", raising(errno.EACCES))
    result = render(str(spec), "--out", str(tmp_path / "generated"))
    assert_one_line_user_error(result, str(tmp_path / "generated" / "orders"), "permission denied")
    assert not [p for p in (tmp_path / "generated").rglob("*") if p.is_file()]  # no temporary file left behind


def test_disk_full(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.os, "fsync", raising(errno.ENOSPC))
    result = render(str(spec), "--out", str(tmp_path / "generated"))
    assert_one_line_user_error(result, str(tmp_path / "generated" / "orders"), "no space left on the device")
    assert not [p for p in (tmp_path / "generated").rglob("*") if p.is_file()]


def test_an_unknown_os_error_is_still_a_bug(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.os, "fsync", raising(errno.EBADF))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the bug report goes
    result = render(str(spec), "--out", str(tmp_path / "generated"))
    assert result.exit_code == 3 and "this is a bug in dyngen" in result.stderr, result.output


def run_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    dyngen = Path(sys.executable).with_name("dyngen")
    return subprocess.run(["bash", "-c", command.replace("dyngen", str(dyngen))], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)


def test_standard_output_on_a_full_disk(spec: Path, tmp_path: Path) -> None:
    done = run_shell(f"dyngen render {spec} --out {tmp_path / 'generated'} --check > /dev/full", tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr == "error: cannot use the standard output: no space left on the device\n"


def test_broken_pipe_exits_quietly(tmp_path: Path) -> None:
    """`render --check | head`: head goes away after one line; dyngen stops, says nothing, exits 1."""
    done = run_shell(
        f"dyngen render {REPO / 'specs'} --out {tmp_path / 'generated'} --check | head -1; "
        "echo \"exit=${PIPESTATUS[0]}\" >&2",
        tmp_path,
    )
    assert done.stdout.startswith("--- "), done.stdout
    assert done.stderr == "exit=1\n", done.stderr
    assert not list(tmp_path.glob("dyngen-bug-*"))
