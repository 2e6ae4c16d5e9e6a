"""The module is one file per feature the spec uses, each listed in the module's README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dyngen.features.registry import FEATURES
from dyngen.render import HEADER, module_view, render_spec
from dyngen.validate import validate_file
from tests.helpers import REPO

FILES_ROW = re.compile(r"^\| `([^`]+)` \| (.+) \|$", re.MULTILINE)
FIXED = {"main.tf", "variables.tf", "outputs.tf", "versions.tf"}


@pytest.mark.parametrize("path", sorted((REPO / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_one_file_per_feature_each_listed_in_the_readme(path: Path) -> None:
    spec = validate_file(path, f"specs/{path.name}").spec
    assert spec is not None
    files = render_spec(spec)
    module = {p.split("/", 1)[1]: text for p, text in files.items() if p.count("/") == 1 and p.endswith(".tf")}
    templates = {f.template.removeprefix("module/").removesuffix(".j2") for f in FEATURES}
    assert FIXED <= set(module) and set(module) - FIXED <= templates
    assert "table.tf" in module
    used = {part.file for part in module_view(spec).parts}
    assert set(module) - FIXED <= used
    header = HEADER.format(source=spec.source)
    for name, text in module.items():
        assert text.startswith(header + "\n") or (name == "main.tf" and text == header), name
        assert name == "main.tf" or text.strip() != header.strip(), f"{name} holds nothing but the header"
    readme = files[f"{spec.name}/README.md"]
    section = readme.split("## Files\n", 1)[1].split("\n## ", 1)[0]
    listed = dict(FILES_ROW.findall(section))
    assert set(listed) == set(module) | {"envs/<environment>/"}
    assert all(description.strip() for description in listed.values())


def test_a_feature_whose_partial_lays_out_nothing_writes_no_file(render_yaml) -> None:  # type: ignore[no-untyped-def]
    """kms is used with an existing key only for the module's kms_key_arn output: no kms.tf, and none listed."""
    files = render_yaml("""
        version: 1
        name: orders
        hash_key: id
        attributes: {id: S}
        environments:
          prod:
            encryption: {kms_key_arn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        """)
    assert "orders/kms.tf" not in files and "`kms.tf`" not in files["orders/README.md"]
    assert "kms_key_arn" in files["orders/outputs.tf"]
    assert files["orders/main.tf"] == HEADER.format(source="specs/test.yaml")  # no description, no shared data
