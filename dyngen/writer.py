"""Applying a plan: atomic writes (temporary file in the same folder, then rename), deletes, empty-folder pruning."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from dyngen.errors import FileSystemError, UnsafeWrite, is_environment_error
from dyngen.plan import Action, RenderPlan, safe_target

if TYPE_CHECKING:
    from dyngen.safety import Finding

TEMPORARY_SUFFIX = ".dyngen-tmp"


def apply_plan(plan: RenderPlan) -> None:
    """Write what is new or changed, then delete what is stale. Refuses the whole plan if it holds a foreign file."""
    if plan.foreign():
        raise foreign_refusal(plan)
    _remove_leftover_temporaries(plan.out)
    for change in plan.changes:
        if change.action in (Action.CREATE, Action.UPDATE):
            assert change.new is not None
            write_atomically(safe_target(plan.out, change.path), change.new)
    for change in plan.changes:
        if change.action is Action.DELETE:
            target = safe_target(plan.out, change.path)
            with refused_as(target, "delete"):
                target.unlink(missing_ok=True)
            _remove_empty_folders(target.parent, plan.out)


def foreign_refusal(plan: RenderPlan, findings: Sequence[Finding] = ()) -> UnsafeWrite:
    """The refusal of a plan that would overwrite files dyngen did not generate (without --force)."""
    paths = ", ".join((plan.out / c.path).as_posix() for c in plan.foreign())
    return UnsafeWrite(f"not overwriting files that dyngen did not generate: {paths} (use --force to overwrite)",
                       path=(plan.out / plan.foreign()[0].path).as_posix(), plan=plan, findings=findings)


@contextmanager
def refused_as(path: Path, doing: str) -> Iterator[None]:
    """The disk's refusals (read-only, full, not a folder, no permission) as a FileSystemError naming the path."""
    try:
        yield
    except OSError as error:
        if not is_environment_error(error):
            raise
        raise FileSystemError(error, path, doing) from error


def write_atomically(target: Path, text: str) -> None:
    """A reader sees the old file or the new one, never a torn one, even if the process is killed mid-write."""
    with refused_as(target, "write"):
        _write_atomically(target, text)


def _write_atomically(target: Path, text: str) -> None:
    _make_folders(target.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_leftover_temporaries(out: Path) -> None:
    """A run killed mid-write leaves its temporary file behind; only dyngen's own are removed."""
    for folder, _, files in os.walk(out, followlinks=False):
        for name in files:
            leftover = Path(folder) / name
            if name.startswith(".") and name.endswith(TEMPORARY_SUFFIX) and not leftover.is_symlink():
                with refused_as(leftover, "delete"):
                    leftover.unlink(missing_ok=True)


def _make_folders(folder: Path) -> None:
    if folder.is_symlink():
        raise UnsafeWrite(f"refusing to write through the symbolic link {folder}")
    folder.mkdir(parents=True, exist_ok=True)


def _remove_empty_folders(folder: Path, out: Path) -> None:
    """Remove folders left empty by deletes, up to (not including) the output folder."""
    out = out.resolve()
    while folder.resolve() != out and out in folder.resolve().parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
