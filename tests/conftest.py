"""Shared fixtures: build specs from YAML text, render them, parse the output back with python-hcl2."""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import hcl2
import pytest
from hypothesis import settings

from dyngen.loader import load_document
from dyngen.model import Spec, build_spec
from dyngen.render import render_spec
from dyngen.validate import validate_document

REPO = Path(__file__).resolve().parents[1]
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


MINIMAL = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {}
"""


def spec_from_yaml(text: str, file: str = "specs/test.yaml") -> Spec:
    """A Spec from YAML text; fails the test with every problem when the text is not a valid spec."""
    document = load_document(textwrap.dedent(text).encode(), file)
    problems = validate_document(document)
    assert not problems, "\n".join(f"{p.line}:{p.column}: {p.message} [{p.field_path}]" for p in problems)
    return build_spec(document.data, file)


def parse_hcl(text: str) -> dict[str, Any]:
    return hcl2.loads(text)


@pytest.fixture
def render_yaml() -> Callable[[str], dict[str, str]]:
    """Render YAML spec text to {relative path: file text}."""
    return lambda text: render_spec(spec_from_yaml(text))


@pytest.fixture
def minimal_spec_yaml() -> str:
    return MINIMAL


def resources(parsed: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """{name: body} of every `resource "<type>" "<name>"` block of a parsed file (python-hcl2 8.x format)."""
    found: dict[str, dict[str, Any]] = {}
    for block in parsed.get("resource", []):
        for rtype, named in block.items():
            if rtype.strip('"') == resource_type:
                for name, body in named.items():
                    found[name.strip('"')] = body
    return found


def module_text(files: dict[str, str], module: str = "orders") -> str:
    """The module's main.tf and feature files (table.tf, kms.tf, ...: what one main.tf held before), one after
    another: where a test looks for what must appear in none of them."""
    return "".join(text for path, text in sorted(files.items())
                   if path.startswith(f"{module}/") and path.count("/") == 1 and path.endswith(".tf")
                   and path.split("/")[1] not in ("variables.tf", "outputs.tf", "versions.tf"))
