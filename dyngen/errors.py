"""Problems found in the user's input, and the small family of errors dyngen raises."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from dyngen.plan import RenderPlan
    from dyngen.safety import Finding

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing the user must fix, located in their text."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    path: FieldPath = field(default=(), compare=False)
    hint: str | None = field(default=None, compare=False)

    @property
    def field_path(self) -> str:
        return format_path(self.path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field_path,
            "message": self.message,
            "hint": self.hint,
        }


def format_path(path: FieldPath) -> str:
    """`("environments", "prod", "replicas", 0)` -> `environments.prod.replicas[0]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class DyngenError(Exception):
    """Something the user must fix; the CLI prints it and exits with `exit_code`."""

    exit_code = 1


class UsageError(DyngenError):
    """The command line itself is wrong (a missing path, conflicting flags); `path` names the argument at fault."""

    exit_code = 2

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class InvalidSpecs(DyngenError):
    """One or more specs failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the specs")
        self.problems = problems

    def __reduce__(self) -> tuple[Any, ...]:
        return (InvalidSpecs, (self.problems,))


class UnsafeWrite(DyngenError):
    """Writing the planned tree would touch a file dyngen did not generate, or leave --out. `plan` and `findings`
    are what the run had found when it refused (none when it refused before planning), for the report."""

    def __init__(self, message: str, path: str = "", plan: RenderPlan | None = None,
                 findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.plan = plan
        self.findings = tuple(findings)

    def __reduce__(self) -> tuple[Any, ...]:
        return (UnsafeWrite, (str(self), self.path, self.plan, self.findings))


class FileSystemError(DyngenError):
    """The operating system refused to read or write a path (a read-only or full disk, a path through a regular
    file, no permission): the user's machine to fix, not a bug in dyngen."""

    def __init__(self, error: OSError, path: object = None, doing: str = "write") -> None:
        where = path if path is not None else error.filename
        super().__init__(f"cannot {doing} {where}: {os_error_reason(error)}" if where else os_error_reason(error))


# What the operating system's refusals mean to a user; any other OSError stays a bug.
OS_ERROR_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.EEXIST: "something else is already there",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "input/output error of the device",
    errno.ENOENT: "no such file or folder",
}


def os_error_reason(error: OSError) -> str:
    return OS_ERROR_REASONS.get(error.errno or 0) or error.strerror or type(error).__name__


def is_environment_error(error: OSError) -> bool:
    return error.errno in OS_ERROR_REASONS


class UnsafeChange(DyngenError):
    """The planned change would replace a live table, create a second one or lose track of one."""

    def __init__(self, findings: Sequence[Finding], plan: RenderPlan | None = None) -> None:
        refused = [f for f in findings if f.refused]
        super().__init__(f"{len(refused)} change(s) would replace or orphan a live table; nothing was written")
        self.findings = tuple(findings)
        self.plan = plan  # the refused plan, for the report

    def __reduce__(self) -> tuple[Any, ...]:
        return (UnsafeChange, (self.findings, self.plan))


class RoundTripError(Exception):
    """The rendered HCL does not say what the spec meant: a bug in dyngen, never the user's fault."""

    def __init__(self, file: str, field: str, expected: Any, found: Any) -> None:
        super().__init__(f"{file}: {field}: expected {expected!r}, found {found!r}")
        self.file = file
        self.field = field
        self.expected = expected
        self.found = found

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries when specs render in parallel
        return (RoundTripError, (self.file, self.field, self.expected, self.found))
