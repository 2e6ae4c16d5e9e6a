"""Issue section 6 through the command line: broken YAML gets a located message and exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

VALID = b"version: 1\nname: orders\nhash_key: id\nattributes:\n  id: S\nenvironments:\n  dev: {}\n"

CASES = [
    ("syntax", b"version: 1\nname: [orders\n", "3:1", "invalid YAML"),
    ("duplicate_key", VALID + b"name: again\n", "8:1", "duplicate key `name`"),
    ("python_tag", b"version: !!python/object/apply:os.system ['true']\n", "1:10", "is not allowed"),
    ("alias_bomb", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n".encode()
        for p, c in zip("abcdefgh", "bcdefghi")), "", "too many nodes"),
    ("deep_nesting", b"a: " + b"[" * 500 + b"]" * 500 + b"\n", "", "nesting deeper than"),
    ("not_utf8", b"name: \xff\xfe orders\n", "", "not valid UTF-8"),
    ("empty", b"", "1:1", "file is empty"),
    ("tab", b"version: 1\nattributes:\n\tid: S\n", "3:1", "indent with spaces, not tabs"),
    ("not_a_mapping", b"- a\n- b\n", "1:1", "must be a mapping"),
]
from tests.helpers import run_cli


@pytest.mark.parametrize(("raw", "where", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_yaml_is_located_and_exits_1(tmp_path: Path, raw: bytes, where: str, message: str) -> None:
    spec = tmp_path / "orders.yaml"
    spec.write_bytes(raw)
    result = run_cli("validate", str(spec))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert f"{spec}:{where}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("raw", [b"\xef\xbb\xbf" + VALID, VALID.replace(b"\n", b"\r\n")], ids=["bom", "crlf"])
def test_bom_and_crlf_are_fine(tmp_path: Path, raw: bytes) -> None:
    spec = tmp_path / "orders.yaml"
    spec.write_bytes(raw)
    assert run_cli("validate", str(spec)).exit_code == 0
