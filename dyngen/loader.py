"""Read one spec file into plain Python data, remembering where each key and value was written.

PyYAML only composes the text into a node graph; this module converts that graph itself rather
than letting PyYAML construct objects, so that:

- only plain YAML values come out; any other tag is refused and nothing is built from a tag;
- a duplicate key is an error instead of silently keeping the last value;
- timestamps stay the text the user wrote;
- aliases and nesting are bounded, so alias bombs and absurd nesting fail fast;
- every key and value keeps its line and column for error messages.

Whatever the bytes, the only exception that leaves this module is `InvalidSpecs`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Union

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import Mark, MarkedYAMLError
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from dyngen.errors import FieldPath, InvalidSpecs, Problem

MAX_DEPTH = 64
MAX_NODES = 10_000

Position = tuple[int, int]

_STD = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_STD + t for t in ("str", "int", "float", "bool", "null"))
TIMESTAMP, MAP, SEQ, MERGE, VALUE = (_STD + t for t in ("timestamp", "map", "seq", "merge", "value"))
# Scalars kept as the text written: timestamps stay strings; `<<` outside a key and `=` are text.
_TEXT_TAGS = frozenset({STR, TIMESTAMP, MERGE, VALUE})
_SCALAR_TAGS = _TEXT_TAGS | {INT, FLOAT, BOOL, NULL}
_COLLECTION_TAGS = frozenset({MAP, SEQ})

_TAG_HINT = "specs hold plain YAML only: mappings, lists, strings, numbers, booleans and null"
_KINDS = {INT: "integer", FLOAT: "number", BOOL: "boolean (true or false)"}
_CONSTRUCTOR = SafeConstructor()
_CONSTRUCT = {
    INT: _CONSTRUCTOR.construct_yaml_int,
    FLOAT: _CONSTRUCTOR.construct_yaml_float,
    BOOL: _CONSTRUCTOR.construct_yaml_bool,
}
# Line breaks as PyYAML counts them, so our positions agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


@dataclass(frozen=True)
class Document:
    """One parsed spec file: its data and where each part of it was written."""

    file: str  # display name of the file, used in every Problem
    data: Any  # dict (insertion order kept), list, str, int, float, bool, None
    key_positions: Mapping[FieldPath, tuple[int, int]]  # (line, col), 1-based, of each mapping KEY
    value_positions: Mapping[FieldPath, tuple[int, int]]  # (line, col), 1-based, of each value; root = ()

    def locate(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or key) at path; falls back to the nearest ancestor that exists, then (1, 1)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if key and prefix in self.key_positions:
                return self.key_positions[prefix]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return (1, 1)


def load_document(raw: bytes, file: str) -> Document:
    """Parse one spec file.

    Raises InvalidSpecs([Problem(...)]) with a located, plain-English message for any bad input.
    """
    try:
        text = _decode(bytes(raw))
        root = _compose(text)
        converter = _Converter()
        data = converter.value(root, (), 0)
    except _Refusal as refusal:
        raise InvalidSpecs([refusal.problem(file)]) from None
    if converter.problems:
        problems = sorted(dict.fromkeys(p.problem(file) for p in converter.problems))
        raise InvalidSpecs(problems)
    if not isinstance(data, dict):
        if data is None and isinstance(root, ScalarNode) and root.value == "":
            raise InvalidSpecs([Problem(file, 1, 1, "file is empty")])
        line, column = _pos(root.start_mark)
        raise InvalidSpecs(
            [Problem(file, line, column, f"the top level must be a mapping of spec keys, found {_kind(data)}")]
        )
    return Document(
        file=file,
        data=data,
        key_positions=MappingProxyType(converter.keys),
        value_positions=MappingProxyType(converter.values),
    )


def read_document(path: Path, display: str) -> Document:
    """Read bytes from disk (OSError -> InvalidSpecs with a plain message) and call load_document."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InvalidSpecs([Problem(display, 0, 0, f"cannot read the file: {reason}")]) from None
    return load_document(raw, display)


# --- internals -------------------------------------------------------------------------------


class _Refusal(Exception):
    """A problem found before the file's display name is at hand; aborts unless collected."""

    def __init__(
        self, message: str, position: Position | None, path: FieldPath = (), hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position or (0, 0)
        self.path = path
        self.hint = hint

    def problem(self, file: str) -> Problem:
        line, column = self.position
        return Problem(file, line, column, self.message, self.path, self.hint)


@dataclass(frozen=True)
class _Alias:
    """Where `*name` was written, and the node it refers to."""

    node: Node
    mark: Mark


_Item = Union[Node, _Alias]


def _pos(mark: Mark | yaml._yaml.Mark) -> Position:  # the C loader has its own Mark
    return (mark.line + 1, mark.column + 1)


def _target(item: _Item) -> Node:
    return item.node if isinstance(item, _Alias) else item


def _item_pos(item: _Item) -> Position:
    return _pos(item.mark if isinstance(item, _Alias) else item.start_mark)


def _line_col(text: str, index: int) -> Position:
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return (line, index - start + 1)


def _display_tag(tag: str) -> str:
    if tag.startswith(_STD):
        return "!!" + tag[len(_STD) :]
    if tag.startswith("!"):
        return tag
    return f"!<{tag}>"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null"


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8").removeprefix("\ufeff")
        looks_utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        raise _Refusal(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            _line_col(prefix, len(prefix)),
            hint="the file looks like UTF-16; save it as UTF-8" if looks_utf16 else "save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _compose(text: str) -> Node:
    """The single document's node graph, or a located _Refusal."""
    loader = None
    try:
        loader = _SpecLoader(text)
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            raise _Refusal("file is empty", (1, 1))  # where an editor puts the cursor
        root = loader.compose_document()
        assert root is not None  # the stream is not empty
        if not loader.check_event(StreamEndEvent):
            position = _pos(loader.peek_event().start_mark)
            raise _Refusal(
                f"a spec file holds one YAML document; found a second on line {position[0]}",
                position,
                hint="remove the second `---`, or split the file in two",
            )
        return root
    except ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
        raise _Refusal(f"{kind} U+{code:04X} is not allowed in YAML", _line_col(text, exc.position)) from None
    except MarkedYAMLError as exc:
        raise _syntax_refusal(exc) from None
    except yaml.YAMLError as exc:
        raise _Refusal(f"invalid YAML: {exc}", None) from None
    except RecursionError:
        raise _Refusal(f"nesting deeper than {MAX_DEPTH} levels", None) from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_refusal(exc: MarkedYAMLError) -> _Refusal:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "the text is not valid YAML"
    hint = None
    if "'\\t'" in problem:
        problem = "a tab where YAML allows none; indent with spaces, not tabs"
    elif exc.context and exc.context_mark is not None and exc.context_mark is not mark:
        line, column = _pos(exc.context_mark)
        hint = f"{exc.context} (line {line}, column {column})"
    return _Refusal(f"invalid YAML: {problem}", _pos(mark) if mark else None, hint=hint)


class _SpecLoader(yaml.SafeLoader):
    """Composes nodes only, bounding nesting and keeping where each alias was written."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0
        self._open_anchors: list[str] = []

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # The scanner reads up to 1024 characters ahead while a simple key is possible, checking every
        # open bracket each time: refuse deep brackets here, before that lookahead grows quadratic.
        if self.flow_level >= MAX_DEPTH:
            raise _Refusal(f"nesting deeper than {MAX_DEPTH} levels", (self.line + 1, self.column + 1))
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: Node | None, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.get_event()
            if event.anchor in self._open_anchors:
                raise _Refusal(
                    f"alias `*{event.anchor}` refers to a node that contains it", _pos(event.start_mark)
                )
            if event.anchor not in self.anchors:
                raise ComposerError(None, None, f"found undefined alias `*{event.anchor}`", event.start_mark)
            return _Alias(self.anchors[event.anchor], event.start_mark)
        event = self.peek_event()
        if not isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            assert event.start_mark is not None  # the composer's events carry their marks
            raise _Refusal(f"nesting deeper than {MAX_DEPTH} levels", _pos(event.start_mark))
        self._depth += 1
        if event.anchor is not None:
            self._open_anchors.append(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if event.anchor is not None:
                self._open_anchors.pop()


class _Converter:
    """Turns the node graph into plain data, recording positions and collecting problems."""

    def __init__(self) -> None:
        self.keys: dict[FieldPath, Position] = {}
        self.values: dict[FieldPath, Position] = {}
        self.problems: list[_Refusal] = []
        self._count = 0
        self._aliases: list[Position] = []  # aliases being expanded, outermost first

    def value(self, item: _Item, path: FieldPath, depth: int) -> Any:
        """Plain data for item; depth counts the collections around it."""
        if not isinstance(item, _Alias):
            return self._node(item, path, depth, _pos(item.start_mark))
        self._aliases.append(_pos(item.mark))
        try:
            return self._node(item.node, path, depth, _pos(item.mark))
        finally:
            self._aliases.pop()

    def _outermost(self, position: Position) -> Position:
        """Where to point when an expansion goes too far: the alias the user wrote, if any."""
        return self._aliases[0] if self._aliases else position

    def _tick(self, position: Position, path: FieldPath) -> None:
        self._count += 1
        if self._count > MAX_NODES:
            raise _Refusal(
                "the document expands to too many nodes (aliases?)",
                self._outermost(position),
                path,
                hint=f"a spec holds at most {MAX_NODES} values; each use of an alias (`*name`) copies its anchor",
            )

    def _node(self, node: Node, path: FieldPath, depth: int, position: Position) -> Any:
        self._tick(position, path)
        self.values[path] = position
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _Refusal(f"nesting deeper than {MAX_DEPTH} levels", self._outermost(position), path)
        if isinstance(node, SequenceNode):
            if not self._tag_fits(node, SEQ, "a list", path):
                return None
            return [self.value(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if not self._tag_fits(node, MAP, "a mapping", path):
            return None
        assert isinstance(node, MappingNode)  # PyYAML composes scalars, sequences and mappings only
        result: dict[str, Any] = {}
        for key, key_position, item in self._entries(node, path, 0):
            self.keys[path + (key,)] = key_position
            result[key] = self.value(item, path + (key,), depth + 1)
        return result

    def _scalar(self, node: ScalarNode, path: FieldPath) -> Any:
        if node.tag in _TEXT_TAGS:
            return self._text(node, path)
        if node.tag == NULL:
            return None
        if node.tag in _CONSTRUCT:
            try:
                return _CONSTRUCT[node.tag](node)
            except Exception:  # noqa: BLE001 - PyYAML raises ValueError, KeyError or IndexError here
                self._problem(node, f"`{_short(node.value)}` is not a valid {_KINDS[node.tag]}", path)
                return None
        self._tag_fits(node, STR, "a single value", path)
        return None

    def _text(self, node: ScalarNode, path: FieldPath) -> str | None:
        """A string as Unicode: JSON-style surrogate pairs (`"\\ud83d\\ude80"`) joined, a lone half refused."""
        text: str = node.value
        if not any("\ud800" <= ch <= "\udfff" for ch in text):
            return text
        try:
            return text.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            self._problem(node, "the string holds half of a UTF-16 surrogate pair, which is not a character", path)
            return None

    def _tag_fits(self, node: Node, expected: str, kind: str, path: FieldPath) -> bool:
        if node.tag == expected:
            return True
        shown = _display_tag(node.tag)
        if node.tag in _SCALAR_TAGS | _COLLECTION_TAGS:
            self._problem(node, f"tag `{shown}` cannot be used on {kind}", path)
        else:
            self._problem(node, f"tag `{shown}` is not allowed", path, _TAG_HINT)
        return False

    def _problem(self, node: Node, message: str, path: FieldPath, hint: str | None = None) -> None:
        self.problems.append(_Refusal(message, _pos(node.start_mark), path, hint))

    def _key(self, item: _Item, path: FieldPath) -> str | None:
        """The key as the user wrote it (`true:` is "true", `1:` is "1"), or None after a problem."""
        node = _target(item)
        if isinstance(node, ScalarNode):
            if node.tag in _SCALAR_TAGS:
                return self._text(node, path)
            self._tag_fits(node, STR, "a key", path)
            return None
        kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
        self.problems.append(_Refusal(f"a key must be a single value, found {kind}", _item_pos(item), path))
        return None

    def _entries(self, node: MappingNode, path: FieldPath, merges: int) -> list[tuple[str, Position, _Item]]:
        """(key, key position, value) of a mapping, `<<` merges applied: own keys win, then earlier merges."""
        own: dict[str, tuple[Position, _Item]] = {}
        merged_items: list[_Item] = []
        for key_item, value_item in node.value:
            key_node = _target(key_item)
            if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
                merged_items.append(value_item)
                continue
            key = self._key(key_item, path)
            if key is None:
                continue
            key_position = _item_pos(key_item)
            if key in own:
                first_line = own[key][0][0]
                message = f"duplicate key `{key}` (first defined on line {first_line})"
                self.problems.append(_Refusal(message, key_position, path + (key,)))
                continue
            own[key] = (key_position, value_item)
        if not merged_items:
            return [(key, position, item) for key, (position, item) in own.items()]
        if merges >= MAX_DEPTH:
            message = f"`<<` merges nested deeper than {MAX_DEPTH} levels"
            raise _Refusal(message, self._outermost(_pos(node.start_mark)), path)
        inherited: dict[str, tuple[Position, _Item]] = {}
        for merged_item in merged_items:
            for source_position, source in self._merge_sources(merged_item, path):
                self._aliases.append(source_position)
                try:
                    for key, position, item in self._entries(source, path, merges + 1):
                        self._tick(position, path + (key,))
                        if key not in own:
                            inherited.setdefault(key, (position, item))
                finally:
                    self._aliases.pop()
        entries = {**inherited, **own}
        return [(key, position, item) for key, (position, item) in entries.items()]

    def _merge_sources(self, item: _Item, path: FieldPath) -> list[tuple[Position, MappingNode]]:
        node = _target(item)
        if isinstance(node, SequenceNode):
            if not self._tag_fits(node, SEQ, "a list", path):
                return []
            items = node.value
        else:
            items = [item]
        sources = []
        for source_item in items:
            source = _target(source_item)
            if not isinstance(source, MappingNode):
                message = "`<<` takes a mapping or a list of mappings (usually an alias such as `*defaults`)"
                self.problems.append(_Refusal(message, _item_pos(source_item), path))
            elif self._tag_fits(source, MAP, "a mapping", path):
                sources.append((_item_pos(source_item), source))
        return sources
