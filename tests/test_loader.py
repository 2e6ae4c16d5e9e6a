"""dyngen.loader: plain data with positions out of good YAML, located plain messages out of bad input."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyngen.errors import InvalidSpecs
from dyngen.loader import MAX_NODES, Document, load_document, read_document

BOM = b"\xef\xbb\xbf"

SAMPLE = """\
version: 1
name: orders
attributes:
  order_id: S
global_secondary_indexes:
  - name: CustomerIndex
    non_key_attributes: [total, currency]
settings: {region: eu-west-1, tags: {Team: checkout}}
"""

GSI = ("global_secondary_indexes", 0)


def load(text: str | bytes) -> Document:
    return load_document(text if isinstance(text, bytes) else text.encode("utf-8"), "orders.yaml")


def problems_of(text: str | bytes) -> list[tuple[int, int, str]]:
    with pytest.raises(InvalidSpecs) as caught:
        load(text)
    assert all(p.file == "orders.yaml" for p in caught.value.problems)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def only_problem(text: str | bytes) -> tuple[int, int, str]:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- good input --------------------------------------------------------------------------------


def test_sample_becomes_plain_data_in_written_order() -> None:
    data = load(SAMPLE).data
    assert data == {
        "version": 1,
        "name": "orders",
        "attributes": {"order_id": "S"},
        "global_secondary_indexes": [{"name": "CustomerIndex", "non_key_attributes": ["total", "currency"]}],
        "settings": {"region": "eu-west-1", "tags": {"Team": "checkout"}},
    }
    assert list(data) == ["version", "name", "attributes", "global_secondary_indexes", "settings"]


@pytest.mark.parametrize(
    "raw",
    [
        SAMPLE.encode(),
        SAMPLE.replace("\n", "\r\n").encode(),
        BOM + SAMPLE.encode(),
        BOM + SAMPLE.replace("\n", "\r\n").encode(),
    ],
    ids=["lf", "crlf", "bom", "bom+crlf"],
)
@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        ((), None, (1, 1)),
        (("version",), (1, 1), (1, 10)),
        (("attributes",), (3, 1), (4, 3)),
        (("attributes", "order_id"), (4, 3), (4, 13)),
        (("global_secondary_indexes",), (5, 1), (6, 3)),
        (GSI, None, (6, 5)),
        (GSI + ("name",), (6, 5), (6, 11)),
        (GSI + ("non_key_attributes",), (7, 5), (7, 25)),
        (GSI + ("non_key_attributes", 1), None, (7, 33)),
        (("settings", "region"), (8, 12), (8, 20)),
        (("settings", "tags", "Team"), (8, 38), (8, 44)),
    ],
)
def test_positions_of_keys_and_values(raw: bytes, path: tuple, key: tuple | None, value: tuple) -> None:
    document = load(raw)
    assert document.data == load(SAMPLE).data
    assert document.key_positions.get(path) == key
    assert document.value_positions[path] == value


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        (("settings", "region"), False, (8, 20)),
        (("settings", "region"), True, (8, 12)),
        (GSI + ("non_key_attributes", 0), True, (7, 26)),  # a list item has no key: its value
        (("settings", "billing_mode"), False, (8, 11)),  # missing: the parent's value
        (("settings", "billing_mode"), True, (8, 1)),  # missing: the parent's key
        (("nothing", "here", 3), False, (1, 1)),  # nothing matches: the root
    ],
)
def test_locate_falls_back_to_the_nearest_ancestor(path: tuple, key: bool, expected: tuple) -> None:
    assert load(SAMPLE).locate(path, key=key) == expected


def test_locate_without_any_position_is_line_one() -> None:
    assert Document("f", {}, {}, {}).locate(("a", "b")) == (1, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("on", True),  # YAML 1.1, as PyYAML resolves it
        ("yes", True),
        ("Off", False),
        ("1_000", 1000),
        ("0x10", 16),
        ("-1.5", -1.5),
        ("~", None),
        ("", None),
        ("'1'", "1"),
        ("!!str 1", "1"),
        ("!!int '7'", 7),
        ("2024-01-31", "2024-01-31"),  # timestamps stay the text written
        ("2024-01-31T10:00:00Z", "2024-01-31T10:00:00Z"),
        ("!!timestamp 2024-01-31", "2024-01-31"),
        (".inf", math.inf),
        ("=", "="),
        ("<<", "<<"),  # a merge key only as a key
        ('"cron(0 3 ? * * *)"', "cron(0 3 ? * * *)"),
    ],
)
def test_scalars_follow_pyyaml_safe_resolution(written: str, expected: object) -> None:
    value = load(f"value: {written}\n").data["value"]
    assert value == expected and type(value) is type(expected)


def test_nan_is_a_float() -> None:
    assert math.isnan(load("value: .nan\n").data["value"])


def test_keys_are_strings_as_written() -> None:
    data = load("1: a\ntrue: b\n~: c\n1.5: d\nStatus#CreatedAt: S\n").data
    assert list(data) == ["1", "true", "~", "1.5", "Status#CreatedAt"]


def test_aliases_copy_their_anchor_and_are_located_where_written() -> None:
    document = load("base: &tags {Team: a}\nother: *tags\n")
    assert document.data == {"base": {"Team": "a"}, "other": {"Team": "a"}}
    assert document.data["other"] is not document.data["base"]
    assert document.value_positions[("other",)] == (2, 8)
    assert document.value_positions[("other", "Team")] == (1, 20)  # inside the anchor


def test_merge_keys_merge_with_own_keys_winning() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n"
    document = load(text)
    assert document.data["c"] == {"x": 1, "y": 1, "z": 3}
    assert document.key_positions[("c", "z")] == (5, 3)
    assert document.key_positions[("c", "x")] == (1, 8)


@pytest.mark.parametrize(
    "text",  # the root mapping is the first level
    ["a: " + "[" * 63 + "]" * 63 + "\n", "a:\n" + "".join(f"{' ' * i}- \n" for i in range(1, 64))],
)
def test_nesting_of_64_levels_is_fine(text: str) -> None:
    load(text)


def test_the_node_limit_is_exact() -> None:
    # root mapping + list + items
    load("a: [" + "1," * (MAX_NODES - 2) + "]\n")
    assert "too many nodes" in only_problem("a: [" + "1," * (MAX_NODES - 1) + "]\n")[2]


def test_read_document_reads_from_disk(tmp_path: Path) -> None:
    spec = tmp_path / "orders.yaml"
    spec.write_bytes(SAMPLE.encode())
    document = read_document(spec, "specs/orders.yaml")
    assert document.file == "specs/orders.yaml" and document.data["name"] == "orders"


# --- bad input ---------------------------------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi")
)
MERGE_BOMB = "a0: &a0 {k: 1}\n" + "".join(
    f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}\n" for i in range(1, 10)
)
DEEP_BLOCK = "".join(f"{' ' * i}k{i}:\n" for i in range(70))
DEEP_ALIAS = f"a: &a {'[' * 40}{']' * 40}\nb: {'[' * 30}*a{']' * 30}\n"
DUPLICATE = "name: x\nsettings:\n  billing_mode: A\n  region: r\n  billing_mode: B\n"

BAD = [
    # id, input, line, column, message
    ("syntax", "name: orders\nbad: a: b\n", 2, 7, "invalid YAML: mapping values are not allowed here"),
    ("syntax-tab", "a:\n\tb: 1\n", 2, 1, "invalid YAML: a tab where YAML allows none; indent with spaces, not tabs"),
    ("syntax-quote", "name: 'abc\n", 2, 1, "invalid YAML: found unexpected end of stream"),
    ("syntax-bracket", "a: [1, 2\n", 2, 1, "invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ("undefined-alias", "a: *nope\n", 1, 4, "invalid YAML: found undefined alias `*nope`"),
    ("duplicate", DUPLICATE, 5, 3, "duplicate key `billing_mode` (first defined on line 3)"),
    ("duplicate-flow", "tags: {a: 1, a: 2}\n", 1, 14, "duplicate key `a` (first defined on line 1)"),
    ("tag-python", "a: !!python/object:os.system x\n", 1, 4, "tag `!!python/object:os.system` is not allowed"),
    ("tag-apply", "a: !!python/object/apply:os.system [ls]\n", 1, 4, "tag `!!python/object/apply:os.system` is"),
    ("tag-local", "a:\n  b: !Ref table\n", 2, 6, "tag `!Ref` is not allowed"),
    ("tag-binary", "a: !!binary aGVsbG8=\n", 1, 4, "tag `!!binary` is not allowed"),
    ("tag-set", "a: !!set {x}\n", 1, 4, "tag `!!set` is not allowed"),
    ("tag-on-key", "? !Ref a\n: 1\n", 1, 3, "tag `!Ref` is not allowed"),
    ("tag-root", "!!python/object:x {a: 1}\n", 1, 1, "tag `!!python/object:x` is not allowed"),
    ("tag-misfit", "a: !!str [1]\n", 1, 4, "tag `!!str` cannot be used on a list"),
    ("bad-int", "a: !!int x\n", 1, 4, "`x` is not a valid integer"),
    ("bad-bool", "a: !!bool maybe\n", 1, 4, "`maybe` is not a valid boolean"),
    ("key-list", "? [a, b]\n: 1\n", 1, 3, "a key must be a single value, found a list"),
    ("merge-scalar", "a: {<<: 1}\n", 1, 9, "`<<` takes a mapping or a list of mappings"),
    ("alias-bomb", BILLION_LAUGHS, 5, 8, "the document expands to too many nodes (aliases?)"),
    ("merge-bomb", MERGE_BOMB, 5, 50, "the document expands to too many nodes (aliases?)"),
    ("alias-cycle", "a: &a [*a]\n", 1, 8, "alias `*a` refers to a node that contains it"),
    ("nesting-flow", "[" * 100_000, 1, 65, "nesting deeper than 64 levels"),
    ("nesting-flow-map", "a: " + "[" * 64 + "]" * 64 + "\n", 1, 67, "nesting deeper than 64 levels"),
    ("nesting-block", DEEP_BLOCK, 65, 65, "nesting deeper than 64 levels"),
    ("nesting-alias", DEEP_ALIAS, 2, 34, "nesting deeper than 64 levels"),  # 30 levels + 40 in the anchor
    ("not-utf8", b"versions: 1\n\xff\n", 2, 1, "file is not valid UTF-8 (byte 0xff at offset 12)"),
    ("not-utf8-bom", BOM + b"name: caf\xe9\n", 1, 10, "file is not valid UTF-8 (byte 0xe9 at offset 12)"),
    ("utf16", "name: x\n".encode("utf-16"), 1, 1, "file is not valid UTF-8 (byte 0xff at offset 0)"),
    ("nul", "name: x\nkey: a\x00b\n", 2, 7, "control character U+0000 is not allowed in YAML"),
    ("nul-crlf", b"name: x\r\nkey: a\x00b\r\n", 2, 7, "control character U+0000 is not allowed in YAML"),
    ("del", "name: \x7f\n", 1, 7, "control character U+007F is not allowed in YAML"),
    ("noncharacter", "\ufffe: 1\n", 1, 1, "character U+FFFE is not allowed in YAML"),
    ("empty", b"", 1, 1, "file is empty"),
    ("empty-bom", BOM, 1, 1, "file is empty"),
    ("only-comments", "# yaml-language-server: $schema=x\n\n  # nothing\n", 1, 1, "file is empty"),
    ("only-marker", "---\n# nothing\n", 1, 1, "file is empty"),
    ("root-list", "- a\n- b\n", 1, 1, "the top level must be a mapping of spec keys, found a list"),
    ("root-string", "# c\nhello\n", 2, 1, "the top level must be a mapping of spec keys, found a string"),
    ("root-number", "42\n", 1, 1, "the top level must be a mapping of spec keys, found a number"),
    ("root-null", "~\n", 1, 1, "the top level must be a mapping of spec keys, found null"),
    ("two-documents", "a: 1\n---\nb: 2\n", 2, 1, "a spec file holds one YAML document; found a second on line 2"),
    ("two-explicit", "---\na: 1\n...\n---\nb: 2\n", 4, 1, "holds one YAML document; found a second on line 4"),
    ("two-crlf", "a: 1\r\n---\r\n", 2, 1, "holds one YAML document; found a second on line 2"),
]


@pytest.mark.parametrize(("raw", "line", "column", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_gets_one_located_plain_message(raw: str | bytes, line: int, column: int, message: str) -> None:
    found_line, found_column, found_message = only_problem(raw)
    assert message in found_message
    assert (found_line, found_column) == (line, column)


@pytest.mark.parametrize(
    "raw", [BILLION_LAUGHS, MERGE_BOMB, "[" * 100_000, "{a: " * 100_000, "- " * 100_000, DEEP_BLOCK * 1000]
)
def test_bombs_fail_fast(raw: str) -> None:
    start = time.perf_counter()
    with pytest.raises(InvalidSpecs):
        load(raw)
    assert time.perf_counter() - start < 1.0


def test_every_duplicate_and_tag_problem_is_reported_in_order() -> None:
    text = "a: !Ref x\nb: 1\nb: 2\nc: {d: 1, d: 2}\n"
    assert problems_of(text) == [
        (1, 4, "tag `!Ref` is not allowed"),
        (3, 1, "duplicate key `b` (first defined on line 2)"),
        (4, 11, "duplicate key `d` (first defined on line 4)"),
    ]


def test_problems_carry_the_field_path() -> None:
    with pytest.raises(InvalidSpecs) as caught:
        load("settings:\n  tags: {Team: !Ref x}\n")
    assert caught.value.problems[0].field_path == "settings.tags.Team"


@pytest.mark.parametrize(("name", "reason"), [("missing.yaml", "No such file"), ("", "directory")])
def test_read_document_turns_os_errors_into_problems(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(InvalidSpecs) as caught:
        read_document(tmp_path / name, "specs/x.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("specs/x.yaml", 0, 0)
    assert problem.message.startswith("cannot read the file: ") and reason in problem.message


# --- no input, however broken, raises anything else ---------------------------------------------

YAML_FRAGMENTS = [
    "a", ": ", "- ", "\n", "\r\n", "  ", "\t", "[", "]", "{", "}", ", ", "&x ", "*x", "<<: ", "? ", "~", "1",
    "!!int ", "!!map ", "!!str ", "!!binary ", "!!python/object:os.system ", "!Ref ", "---\n", "...\n",
    "'q'", '"q', "|\n", ">-\n", "#c", "%YAML 1.1\n", "yes", "2020-01-01", "\x00", "\ufeff",
]  # fmt: skip


def _loads_or_refuses(raw: bytes) -> None:
    try:
        document = load_document(raw, "fuzz.yaml")
    except InvalidSpecs as error:
        assert error.problems and all(p.line >= 0 and p.column >= 0 and p.message for p in error.problems)
    else:
        assert isinstance(document.data, dict)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_never_raise_anything_else(raw: bytes) -> None:
    _loads_or_refuses(raw)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises_anything_else(text: str) -> None:
    _loads_or_refuses(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=40))
def test_yaml_like_text_never_raises_anything_else(parts: list[str]) -> None:
    _loads_or_refuses("".join(parts).encode("utf-8"))
