"""Tests for dyngen.hcl.literals: string quoting against both parsers, keys, and value encoding."""

from __future__ import annotations

import json
import math
import os
import subprocess

import hcl2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyngen.hcl import encode, format_hcl, key, quote, unquote
from tests.tools import TOOLS, require

HCL_CHECK = TOOLS / "hcl-check"

HOSTILE = [
    "",
    'say "hi"',
    "back\\slash",
    "trailing backslash\\",
    "line1\nline2\r\n",
    "tab\there",
    '${file("/etc/passwd")}',
    "%{ if true }yes%{ endif }",
    '"; resource "x" "y" {',
    "$${already escaped}",
    "$$${x}",
    "${",
    "%{",
    "${ no close",
    "a}${",
    "$ { not } % {",
    "${a\"b}",
    "{}[]()=#//",
    "café, naïve, 日本語, العربية",
    "rtl\u200fmark\u202eoverride",
    "nul\x00del\x7fbell\x07esc\x1b",
    "emoji 😀 👨\u200d👩\u200d👧 🇫🇷",
    "\U0010ffff\ue000",
    "\u2028\u2029\ufeff\u00ad",
    '\\"\\n',
]


def _hcl2_value(literal: str) -> str:
    return unquote(hcl2.loads("x = " + literal + "\n")["x"])


# ---------------------------------------------------------------- quote / unquote


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_round_trips_through_python_hcl2(text: str) -> None:
    assert _hcl2_value(quote(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_round_trips_inside_an_object(text: str) -> None:
    source = "tags = {\n  " + key(text or "k") + " = " + quote(text) + "\n  after = \"}\"\n}\n"
    parsed = hcl2.loads(source)["tags"]
    assert {unquote(k) if k.startswith('"') else k: unquote(v) for k, v in parsed.items()} == {
        text or "k": text,
        "after": "}",
    }


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_quote_round_trip_property(text: str) -> None:
    assert _hcl2_value(quote(text)) == text


@given(st.text(alphabet="${}%\\\"ab", max_size=12))
def test_quote_round_trip_template_characters(text: str) -> None:
    assert _hcl2_value(quote(text)) == text


def test_quote_output_is_one_line_and_readable() -> None:
    assert quote('${file("/etc/passwd")}') == '"$${file(\\"/etc/passwd\\")}"'
    assert quote("%{ if }") == '"%%{ if }"'
    assert quote("${") == '"$\\u007B"'
    assert quote("a\x00\u200f") == '"a\\u0000\\u200F"'
    assert quote("\U000e0067") == '"\\U000E0067"'
    assert quote("😀é") == '"😀é"'
    assert "\n" not in quote("\n\r\u2028")


def test_quote_rejects_lone_surrogate() -> None:
    with pytest.raises(ValueError):
        quote("\ud800")


@pytest.mark.parametrize("literal", ['"${var.x}"', '"%{ if a }b%{ endif }"', "x", '"\\q"', '"\\u12"'])
def test_unquote_rejects_templates_and_bad_escapes(literal: str) -> None:
    with pytest.raises(ValueError):
        unquote(literal)


def _hashicorp_values(literals: list[str]) -> list[object]:
    """Parse `x = <literal>` files with HashiCorp's parser (hcl2json, installed by hcl-check) in one node call."""
    require("hcl-check")
    subprocess.run([str(HCL_CHECK), "--install-only"], check=True, capture_output=True)
    home = os.environ.get("HCL_TOOLS_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hcl-oracle"
    )
    script = (
        "const {parse} = require(process.argv[1] + '/node_modules/@cdktf/hcl2json');"
        "(async () => { const out = [];"
        " for (const s of JSON.parse(require('fs').readFileSync(0, 'utf8'))) {"
        "  try { out.push((await parse('x.tf', s)).x); } catch (e) { out.push({error: String(e)}); } }"
        " process.stdout.write(JSON.stringify(out)); })();"
    )
    sources = ["x = " + literal + "\n" for literal in literals]
    done = subprocess.run(
        ["node", "-e", script, home], input=json.dumps(sources), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_quote_is_read_exactly_by_hashicorp_parser() -> None:
    values = _hashicorp_values([quote(text) for text in HOSTILE])
    # hcl2json writes JSON-syntax HCL, where `${` and `%{` in a string are escaped again as `$${` and `%%{`.
    expected = [text.replace("${", "$${").replace("%{", "%%{") for text in HOSTILE]
    assert values == expected


# ---------------------------------------------------------------- key / encode


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Name", "Name"),
        ("_a-b_1", "_a-b_1"),
        ("1abc", '"1abc"'),
        ("with space", '"with space"'),
        ("aws:cost-center", '"aws:cost-center"'),
        ("é", '"é"'),
        ("for", '"for"'),
        ("null", '"null"'),
        ("", '""'),
    ],
)
def test_key(name: str, expected: str) -> None:
    assert key(name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-17, "-17"),
        (10**30, "1" + "0" * 30),
        (0.1, "0.1"),
        (2.0, "2.0"),
        (-0.5, "-0.5"),
        (1e16, "10000000000000000.0"),
        (1e-7, "0.0000001"),
        ("a", '"a"'),
        ([], "[]"),
        ((), "[]"),
        ({}, "{}"),
        (["a", 1, None, True], '["a", 1, null, true]'),
    ],
)
def test_encode_scalars_and_flat_lists(value: object, expected: str) -> None:
    assert encode(value) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_encode_rejects_non_finite_floats(value: float) -> None:
    with pytest.raises(ValueError):
        encode(value)


@pytest.mark.parametrize("value", [object(), {1: "a"}, {"a": {1, 2}}, b"bytes"])
def test_encode_rejects_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        encode(value)


def test_encode_nested_layout() -> None:
    value = {"a": 1, "long-name": "x", "nested": {"k": []}, "z": [{"b": 2}, [1]], "after": False}
    assert encode(value) == (
        "{\n"
        "  a         = 1\n"
        '  long-name = "x"\n'
        "  nested = {\n"
        "    k = []\n"
        "  }\n"
        "  z = [\n"
        "    {\n"
        "      b = 2\n"
        "    },\n"
        "    [1],\n"
        "  ]\n"
        "  after = false\n"
        "}"
    )


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _decode(value: object) -> object:
    """python-hcl2 8.x value -> plain Python (quoted strings and quoted keys unquoted)."""
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        return {(unquote(k) if k.startswith('"') else k): _decode(v) for k, v in value.items()}
    return value


@settings(max_examples=200, deadline=None)
@given(JSONISH)
def test_encode_round_trips_through_python_hcl2_and_is_formatted(value: object) -> None:
    source = "x = " + encode(value) + "\n"
    assert format_hcl(source) == source
    decoded = _decode(hcl2.loads(source)["x"])
    expected = json.loads(json.dumps(value))  # tuples -> lists; -0.0 stays -0.0, and -0.0 == 0
    assert decoded == expected
