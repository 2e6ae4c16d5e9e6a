"""Every value from a spec reaches HCL as literal text: nothing a user writes is interpolated or breaks the syntax."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from dyngen.roundtrip import decode
from tests.helpers import parse_hcl, resources
from tests.tools import TOOLS, require

HOSTILE = [
    '${file("/etc/passwd")}',
    '"; resource "x" "y" {',
    "%{ if true }yes%{ endif }",
    "back\\slash\\",
    "new\nline\r\nand\ttab",
    "$${already escaped}",
    "unicode: ünïcødé 日本語 🚀 \u200f rtl",
    "${",
    "%{",
]
HCL_CHECK = TOOLS / "hcl-check"


def spec_with(tags: dict[str, str], description: str = "plain", attribute: str = "pk") -> str:
    return json.dumps({
        "version": 1, "name": "orders", "project": "shop", "description": description,
        "hash_key": attribute, "attributes": {attribute: "S"},
        "settings": {"tags": tags, "items": [{attribute: {"S": t}} for t in dict.fromkeys(tags.values())]},
        "environments": {"dev": {}},
    })


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_a_tag_value_stays_that_exact_string(render_yaml: Callable[[str], dict[str, str]], value: str) -> None:
    files = render_yaml(spec_with({"Note": value, "Key with spaces & \"quotes\"": value}))
    tfvars = decode(parse_hcl(files["orders/envs/dev/terraform.tfvars"]))
    assert tfvars["tags"] == {"Note": value, "Key with spaces & \"quotes\"": value}
    assert [item["pk"]["S"] for item in tfvars["items"].values()] == [value]


def test_attribute_names_and_descriptions_stay_literal(render_yaml: Callable[[str], dict[str, str]]) -> None:
    attribute = 'Status#Created "at" ${x}'
    description = 'line one\nline two ${file("x")} */ # not a comment end'
    files = render_yaml(spec_with({"Team": "a"}, description=description, attribute=attribute))
    table = resources(parse_hcl(files["orders/table.tf"]), "aws_dynamodb_table")["this"]
    assert decode(table["hash_key"]) == attribute
    assert [decode(a["name"]) for a in table["attribute"]] == [attribute]
    comment_lines = [line for line in files["orders/main.tf"].splitlines() if "line one" in line]
    assert comment_lines == ['# line one line two ${file("x")} */ # not a comment end']


def test_hashicorps_parser_reads_the_hostile_output(render_yaml: Callable[[str], dict[str, str]], tmp_path: Path) -> None:
    require("hcl-check")
    tags = {f"T{i}": value for i, value in enumerate(HOSTILE)}
    for path, text in render_yaml(spec_with(tags, description="\n".join(HOSTILE))).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = subprocess.run([str(HCL_CHECK), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 parse errors, 0 unformatted" in result.stdout
