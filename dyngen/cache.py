"""The user's cache (XDG, never the output tree): which (bytes, meaning) pairs passed the round trip, and what each
spec rendered to. Content-addressed, one small file per key, created atomically: runs may share it, and a missing,
corrupt or foreign entry is a miss that costs time, never correctness."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

CACHE_FOLDER_VARIABLE = "DYNGEN_CACHE_DIR"
LAYOUT = "v1"  # bump when the layout or the meaning of an entry changes
FINGERPRINTED_DISTRIBUTIONS = ("dyngen", "python-hcl2", "lark", "jinja2", "pyyaml", "jsonschema")


def default_folder() -> Path:
    """DYNGEN_CACHE_DIR, else $XDG_CACHE_HOME/dyngen, else ~/.cache/dyngen."""
    override = os.environ.get(CACHE_FOLDER_VARIABLE)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "dyngen"


@cache
def code_fingerprint() -> str:
    """dyngen's own code, templates and schema, the versions it runs with (the parser included) and Python's: an
    entry recorded by any other dyngen never matches, even between two commits of one version."""
    digest = hashlib.sha256(LAYOUT.encode())
    digest.update(repr(sys.version_info[:2]).encode())
    for name in FINGERPRINTED_DISTRIBUTIONS:
        digest.update(f"\0{name}={_version(name)}".encode())
    for package in ("dyngen", "dyngen.templates", "dyngen.schemas"):
        for relative, data in sorted(_package_files(resources.files(package), "")):
            digest.update(f"\0{package}/{relative}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _version(distribution: str) -> str:
    from importlib import metadata  # 20 ms at start-up that only a render needs

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def _package_files(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found = []
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__" and not entry.name.startswith("."):
                found += _package_files(entry, f"{name}/")
        elif entry.name.endswith((".py", ".j2", ".json", ".yaml")):
            found.append((name, entry.read_bytes()))
    return found


def content_key(*parts: str | bytes) -> str:
    """The key of an entry: dyngen's fingerprint and the parts, each length-prefixed so that no two lists collide."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """Entries are files named by their key under `folder` (None: no cache, nothing read or written)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def read(self, kind: str, key: str) -> Any:
        """The entry's value, or None when it is absent, unreadable, corrupt or recorded under another key."""
        if self.folder is None:
            return None
        try:
            entry = json.loads(self._path(kind, key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")

    def write(self, kind: str, key: str, value: Any) -> None:
        """Create the entry atomically (a temporary file renamed into place); a cache that cannot be written is
        skipped silently: it only costs time on the next run."""
        if self.folder is None:
            return
        target = self._path(kind, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"key": key, "value": value}, stream, separators=(",", ":"))
            os.replace(temporary, target)
        except (OSError, TypeError, ValueError):
            Path(temporary).unlink(missing_ok=True)

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / LAYOUT / kind / key[:2] / key
