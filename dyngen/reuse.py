"""The second layer: a spec is not rendered again when its file and dyngen are exactly as in an earlier run and
every file that run rendered for it is on disk, byte for byte (so a hand edit or a deleted file is never hidden).

An entry says "these spec bytes, under this dyngen, render to files with these hashes"; it is keyed by the spec's
bytes, its names and dyngen's fingerprint. Reusing it plans exactly the bytes on disk, so nothing is ever written
from it: every file is unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from dyngen.cache import Cache, content_key
from dyngen.errors import UnsafeWrite
from dyngen.outcome import SpecOutcome, SpecWork
from dyngen.plan import safe_target
from dyngen.tablefacts import TableFacts
from dyngen.tables import TableClaim

KIND = "rendered"


def _key(work: SpecWork, raw: bytes) -> str:
    return content_key(KIND, raw, work.display, work.source)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(store: Cache, work: SpecWork, raw: bytes, outcome: SpecOutcome) -> None:
    """Remember what these spec bytes rendered to (after the render and its round trip succeeded)."""
    files = sorted((path, _digest(text.encode("utf-8"))) for path, text in outcome.files.items())
    value = {
        "name": outcome.name, "name_position": list(outcome.name_position), "files": files,
        # what the other specs' checks need of this one (table-name collisions, shared states, change safety)
        "claims": [_plain(dataclasses.asdict(c)) for c in outcome.claims],
        "tables": [_plain(dataclasses.asdict(t)) for t in outcome.tables],
    }
    store.write(KIND, _key(work, raw), value)


def earlier_render(store: Cache, work: SpecWork, out: Path) -> SpecOutcome | None:
    """The outcome of an earlier render of exactly this spec file, its files read back from disk; None unless every
    one of its files is on disk with exactly the recorded bytes."""
    try:
        raw = work.path.read_bytes()
    except OSError:
        return None
    entry = store.read(KIND, _key(work, raw))
    try:
        name, (line, column), listed = entry["name"], entry["name_position"], entry["files"]
        files = {path: _exact(out, path, digest) for path, digest in listed}
        claims = tuple(_claim(c) for c in entry["claims"])
        tables = tuple(TableFacts(**_tuples(t)) for t in entry["tables"])
    except (TypeError, KeyError, ValueError, UnicodeDecodeError, OSError, UnsafeWrite, _Differs):
        return None
    if not isinstance(name, str) or not files:
        return None
    return SpecOutcome(work.display, name, (int(line), int(column)), (), files, claims, tables)


def _plain(value: Any) -> Any:
    """Frozen sets as sorted lists (None first), so that the entry is JSON."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda v: (v is not None, v or ""))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _tuples(value: Any) -> Any:
    """JSON's lists back as the tuples the frozen dataclasses hold."""
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _claim(entry: dict[str, Any]) -> TableClaim:
    fields = _tuples(entry)
    return TableClaim(**{**fields, "regions": frozenset(fields["regions"])})


class _Differs(Exception):
    """A file on disk is not byte for byte the one recorded."""


def _exact(out: Path, path: Any, digest: Any) -> str:
    target = safe_target(out, str(path))
    if target.is_symlink():
        raise _Differs(path)
    data = target.read_bytes()
    if _digest(data) != digest:
        raise _Differs(path)
    return data.decode("utf-8")
