"""Fuzzing `dyngen validate` and `dyngen render` with mutations of valid specs (tests/strategies/).

Mutations: keys renamed, values of the wrong type or out of range, nodes deleted or duplicated, random bytes inserted
into the YAML text, truncation. Whatever the input:
- `dyngen validate` exits 0 or 1 (never 3, the exit code of a bug, never a traceback);
- on exit 1 every line of stdout is one located problem, `FILE:LINE:COL: error: MESSAGE`;
- `dyngen render` of an invalid spec exits 1 and leaves the output folder exactly as it was.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from click.testing import Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli
from tests.strategies import HOSTILE, hostile_text, spec_documents, spec_yaml

RELAXED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                     HealthCheck.filter_too_much])
SPEC = "spec.yaml"


# --- mutations ---------------------------------------------------------------------------------------------------


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value below the root (keys of mappings, indexes of lists)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(prefix + (key,))
            found.extend(paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.append(prefix + (i,))
            found.extend(paths(value, prefix + (i,)))
    return found


def parent(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


WRONG_VALUES = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1, 2**63, -(2**63), 10**400, 1.5, -0.0, float("inf"), float("-inf"),
                     float("nan"), "", " ", "1", "true", "null", [], {}, [None], {"": None}, {"a": 1}, [1, [2, [3]]],
                     "PROVISIONED", "NEW_AND_OLD_IMAGES", "S", "arn:aws:kms:eu-west-1:123456789012:key/x"]),
    st.integers(), st.floats(), hostile_text(), st.lists(st.integers(), max_size=3),
    st.dictionaries(hostile_text(1, 10), st.integers(), max_size=2),
)


@st.composite
def mutated_documents(draw: Any) -> dict[str, Any]:
    document = copy.deepcopy(draw(spec_documents()))
    for _ in range(draw(st.integers(1, 3))):
        candidates = paths(document)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        holder = parent(document, path)
        last = path[-1]
        kind = draw(st.sampled_from(["rename", "wrong", "range", "delete", "duplicate", "nest"]))
        if kind == "rename" and isinstance(holder, dict):
            value = holder.pop(last)
            new = draw(st.one_of(
                st.just(str(last)[:-1] or "x"), st.just(str(last).upper()), st.just(str(last) + "s"),
                st.just(str(last) + "\n"), st.just(" " + str(last)), hostile_text(1, 20),
            ))
            holder[new] = value
        elif kind == "wrong":
            holder[last] = draw(WRONG_VALUES)
        elif kind == "range" and isinstance(holder[last], (int, float)) and not isinstance(holder[last], bool):
            holder[last] = draw(st.sampled_from([0, -1, 1, 2, 6, 7, 19, 20, 21, 30, 31, 35, 36, 89, 90, 91, 100, 101,
                                                 3600, 3601, 10**12, -(10**12)]))
        elif kind == "delete":
            del holder[last]
        elif kind == "duplicate":
            if isinstance(holder, list):
                holder.insert(last, copy.deepcopy(holder[last]))
            else:
                holder[f"{last}"] = copy.deepcopy(holder[last])
                holder[draw(hostile_text(1, 10))] = copy.deepcopy(holder[last])
        elif kind == "nest":
            holder[last] = {"nested": holder[last]} if draw(st.booleans()) else [holder[last]]
    return document


@st.composite
def mutated_texts(draw: Any) -> bytes:
    """A spec's bytes after text-level damage: random bytes inserted, truncation, a line duplicated or re-indented."""
    text = spec_yaml(draw(mutated_documents()) if draw(st.booleans()) else draw(spec_documents()))
    raw = text.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "truncate", "duplicate_line", "indent", "fragment", "bom_crlf"]))
        at = draw(st.integers(0, len(raw)))
        if kind == "insert":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
        elif kind == "truncate":
            raw = raw[:at]
        elif kind == "fragment":
            piece = draw(st.sampled_from(list(HOSTILE) + ["&x [*x, *x]", "!!python/object:os.system", "? [a]\n: b",
                                                          "<<: *a", "{{{{", "- - - -", "\t", "%YAML 1.2\n---\n"]))
            raw = raw[:at] + piece.encode("utf-8") + raw[at:]
        elif kind == "bom_crlf":
            raw = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
        else:
            lines = raw.split(b"\n")
            i = draw(st.integers(0, max(len(lines) - 1, 0)))
            if kind == "duplicate_line":
                lines.insert(i, lines[i])
            else:
                lines[i] = b" " * draw(st.integers(1, 5)) + lines[i]
            raw = b"\n".join(lines)
    return raw


# --- checks ------------------------------------------------------------------------------------------------------

LOCATED = re.compile(r"^" + re.escape(SPEC) + r":\d+:\d+: error: \S.*$")


@contextlib.contextmanager
def spec_folder(raw: bytes) -> Any:
    """A fresh folder holding only spec.yaml, as the working directory (so that messages name `spec.yaml`)."""
    with tempfile.TemporaryDirectory(prefix="dyngen-fuzz-") as name:
        folder = Path(name)
        (folder / SPEC).write_bytes(raw)
        before = Path.cwd()
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(before)


def validate() -> Result:
    return run_cli("validate", SPEC, env={"NO_COLOR": "1"})


def assert_answered(result: Result) -> None:
    assert result.exit_code in (0, 1), f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    if result.exit_code == 1:
        assert lines, result.stderr
        for line in lines:
            assert LOCATED.match(line), f"not a located problem line: {line!r}\n{result.stdout}"
    else:
        assert not lines, result.stdout


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_input(raw: bytes) -> None:
    with spec_folder(raw) as folder:
        result = validate()
        assert_answered(result)
        if result.exit_code == 1:
            out = folder / "out"
            (out / "keep").mkdir(parents=True)
            (out / "keep" / "note.txt").write_text("not dyngen's\n")
            before = snapshot(out)
            rendered = run_cli("render", SPEC, "--out", "out", env={"NO_COLOR": "1"})
            assert rendered.exit_code == 1, f"exit {rendered.exit_code}\n{rendered.stdout}\n{rendered.stderr}"
            assert snapshot(out) == before
            assert sorted(p.name for p in folder.iterdir()) == ["out", SPEC]


@settings(**RELAXED)
@given(mutated_documents())
@example({"version": 1, "name": "t", "hash_key": "id", "attributes": {"id": "S"}, "environments": {"dev": {}},
          "version\n": 1, "descr\u2028iption\x85": "x"})  # found: messages quoting a key broke the one-line format
@example({"version": 1, "name": "t", "hash_key": "id", "range_key": "sk", "attributes": {"x": "S", "sk": "S"},
          "environments": {"dev": {"items": [{"x": {"S": "a"}, "sk": {"S": "b"}}]}}})  # found: items with an undeclared key crashed
def test_validate_answers_every_mutated_document(document: dict[str, Any]) -> None:
    check_input(spec_yaml(document).encode("utf-8"))


@settings(**RELAXED)
@given(mutated_texts())
def test_validate_answers_every_damaged_text(raw: bytes) -> None:
    check_input(raw)


@settings(**RELAXED)
@given(spec_documents(), st.data())
def test_a_trailing_newline_never_passes_a_name_pattern(document: dict[str, Any], data: st.DataObject) -> None:
    """Every pattern of the schema is anchored (`^...$`) and none admits a line break; Python's `$` matches before a
    final newline, ECMA 262's (the schema's dialect) does not."""
    document = copy.deepcopy(document)
    env = next(iter(document["environments"]))
    targets = ["name", "environment"] + (["project"] if "project" in document else [])
    targets += ["index"] if document.get("global_secondary_indexes") else []
    target = data.draw(st.sampled_from(targets))
    if target == "environment":
        document["environments"] = {(k + "\n" if k == env else k): v for k, v in document["environments"].items()}
    elif target == "index":
        index = document["global_secondary_indexes"][0]
        index["name"] += "\n"
    else:
        document[target] += "\n"
    with spec_folder(spec_yaml(document).encode("utf-8")):
        result = validate()
    assert result.exit_code == 1, f"{target} with a trailing newline was accepted\n{result.stdout}{result.stderr}"
