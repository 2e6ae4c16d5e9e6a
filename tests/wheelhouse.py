"""A wheelhouse made offline from the test venv's installed distributions, so that pip can install dyngen's
dependencies (and setuptools, its build backend) with no index: each installed distribution is packed back into a
wheel from the files its RECORD lists."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

LEFT_OUT = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}  # written by the installer, not the wheel


def requirements(dist: metadata.Distribution) -> list[str]:
    """What a distribution requires here: markers evaluated, extras left out."""
    environment = {key: str(value) for key, value in default_environment().items()} | {"extra": ""}
    parsed = [Requirement(text) for text in dist.requires or ()]
    return [r.name for r in parsed if r.marker is None or r.marker.evaluate(environment)]


def dependency_closure(*names: str) -> list[metadata.Distribution]:
    """The named distributions and everything they require, each once."""
    found: dict[str, metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = normalise(pending.pop())
        if name not in found:
            found[name] = metadata.distribution(name)
            pending += requirements(found[name])
    return list(found.values())


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def repack(dist: metadata.Distribution, folder: Path) -> Path:
    """One installed distribution as a wheel in `folder`; its tag is the one in the WHEEL file it was installed from."""
    info = dist.read_text("WHEEL") or ""
    tag = next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Tag:"))
    project = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    wheel = folder / f"{project}-{dist.version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in dist.files or ():
            if _packed(file):
                data = Path(file.locate()).read_bytes()
                archive.writestr(file.as_posix(), data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                record.append(f"{file.as_posix()},sha256={digest},{len(data)}")
        record_path = f"{project}-{dist.version}.dist-info/RECORD"
        info_dirs = {f.parts[0] for f in dist.files or () if f.parts[0].endswith(".dist-info")}
        if info_dirs:
            record_path = f"{info_dirs.pop()}/RECORD"
        archive.writestr(record_path, "\n".join(record + [f"{record_path},,"]) + "\n")
    return wheel


def _packed(file: metadata.PackagePath) -> bool:
    return (".." not in file.parts and "__pycache__" not in file.parts and file.name not in LEFT_OUT
            and Path(file.locate()).is_file())


def build_wheelhouse(folder: Path, project: str, *build_requires: str) -> list[Path]:
    """Wheels of what installing `project` from source needs: its dependencies and its build backend."""
    folder.mkdir(parents=True, exist_ok=True)
    needed = requirements(metadata.distribution(project)) + list(build_requires)
    return [repack(dist, folder) for dist in dependency_closure(*needed)]
