"""Shared fixtures: render YAML spec text, run the CLI. The helpers they use live in tests/helpers.py."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest
from hypothesis import settings

from dyngen.render import render_spec
from tests.helpers import MINIMAL, spec_from_yaml
from tests.helpers import run_cli as _run_cli

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own cache folder (inherited by the dyngen it runs in a subprocess): no test reads what
    another recorded, and none writes to the user's cache. Outside the test's folders, which tests snapshot."""
    with tempfile.TemporaryDirectory(prefix="dyngen-test-cache-") as folder:
        monkeypatch.setenv("DYNGEN_CACHE_DIR", folder)
        yield Path(folder)


@pytest.fixture
def render_yaml() -> Callable[[str], dict[str, str]]:
    """Render YAML spec text to {relative path: file text}."""
    return lambda text: render_spec(spec_from_yaml(text))


@pytest.fixture
def minimal_spec_yaml() -> str:
    return MINIMAL


@pytest.fixture
def run_cli() -> Callable[..., object]:
    """`run_cli("validate", path)`: dyngen in-process, its output shown when the test fails (tests.helpers.run_cli)."""
    return _run_cli
