"""The resources a rendered module creates in one environment: each resource block of the module, counted from its
`count` or `for_each` with the environment's tfvars (the few expression forms dyngen renders; anything else is
unknown, never guessed)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

BLOCK = re.compile(r'^(resource|locals)\b(?: "([^"]+)" "([^"]+)")? \{\n(.*?)^\}', re.MULTILINE | re.DOTALL)
META = re.compile(r"^  (count|for_each) += (.+)$", re.MULTILINE)
LOCAL = re.compile(r"^  (\w+) += (.+)$", re.MULTILINE)
FOR_LIST = re.compile(r"^\[for (\w+) in (.+?) : \1\.(\w+)(?: if \1\.(\w+) == null)?\]$")
FOR_MAP = re.compile(r"^\{ for (\w+) in (.+?) : \1\.(\w+) => \1 \}$")
REFERENCE = re.compile(r"^(var|local)\.(\w+)$")
RESOURCE_REFERENCE = re.compile(r"^(aws_\w+)\.(\w+)$")


class Unknown(Exception):
    """An expression this reader does not evaluate."""


@dataclass(frozen=True)
class ModuleResource:
    type: str
    name: str
    count: int | None  # how many instances the environment gets; None when the expression is not one dyngen reads
    expression: str  # the block's count or for_each ("" for a single instance)

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass(frozen=True)
class _Known:
    value: Any


@dataclass(frozen=True)
class _Block:
    meta: str  # "count", "for_each" or ""
    expression: str


def module_resources(module_files: Mapping[str, str], tfvars: Mapping[str, Any],
                     known: Mapping[str, Any] | None = None) -> tuple[ModuleResource, ...]:
    """Every resource block of the module's .tf files (`module_files`: path -> text), with its count here. `known`
    gives locals that read the live table (local.index_names), whose values the caller knows."""
    blocks: dict[tuple[str, str], _Block] = {}
    locals_: dict[str, Any] = {}
    for path in sorted(module_files):
        for kind, rtype, name, body in BLOCK.findall(module_files[path]):
            if kind == "locals":
                locals_.update(LOCAL.findall(body))
            else:
                meta = META.search(body)
                blocks[(rtype, name)] = _Block(meta.group(1), meta.group(2)) if meta else _Block("", "")
    reader = _Reader(tfvars, {**locals_, **{k: _Known(v) for k, v in (known or {}).items()}}, blocks)
    return tuple(ModuleResource(t, n, reader.count(b), b.expression) for (t, n), b in sorted(blocks.items()))


class _Reader:
    def __init__(self, tfvars: Mapping[str, Any], locals_: Mapping[str, Any], blocks: Mapping[tuple[str, str], _Block]):
        self.tfvars = tfvars
        self.locals = locals_
        self.blocks = blocks

    def count(self, block: _Block) -> int | None:
        try:
            if not block.meta:
                return 1
            value = self.value(block.expression)
        except Unknown:
            return None
        if block.meta == "count":
            return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        return len(value) if isinstance(value, (list, dict)) else None

    def value(self, text: str) -> Any:
        text = text.strip()
        ternary = _split_ternary(text)
        if ternary:
            condition, then, otherwise = ternary
            return self.value(then if self._truth(condition) else otherwise)
        for operator, combine in _OPERATORS:  # the loosest first
            sides = _split_top(text, f" {operator} ")
            if len(sides) >= 2:
                values = [self.value(side) for side in sides]
                if operator in ("&&", "||") and not all(isinstance(v, bool) for v in values):
                    raise Unknown(text)
                result = values[0]
                for value in values[1:]:
                    result = combine(result, value)
                return result
        return self._term(text)

    def _truth(self, condition: str) -> bool:
        value = self.value(condition)
        if not isinstance(value, bool):
            raise Unknown(condition)
        return value

    def _term(self, text: str) -> Any:
        literal = _literal(text)
        if literal is not _NOT_LITERAL:
            return literal
        for function, apply in _FUNCTIONS.items():
            if text.startswith(f"{function}(") and text.endswith(")"):
                return apply(self.value(text[len(function) + 1:-1]))
        if match := REFERENCE.match(text):
            return self._reference(match.group(1), match.group(2))
        if match := RESOURCE_REFERENCE.match(text):
            block = self.blocks.get((match.group(1), match.group(2)))
            if block is None or block.meta != "for_each":
                raise Unknown(text)
            return self.value(block.expression)
        return self._for(text)

    def _reference(self, kind: str, name: str) -> Any:
        if kind == "var":
            return self.tfvars.get(name)  # a variable the root leaves out is null
        if name not in self.locals:
            raise Unknown(f"local.{name}")
        local = self.locals[name]
        return local.value if isinstance(local, _Known) else self.value(local)

    def _for(self, text: str) -> Any:
        if match := FOR_LIST.match(text):
            _, source, field, unless = match.groups()
            items = self._items(source)
            return [item.get(field) for item in items if unless is None or item.get(unless) is None]
        if match := FOR_MAP.match(text):
            _, source, field = match.groups()
            return {item.get(field): item for item in self._items(source)}
        raise Unknown(text)

    def _items(self, source: str) -> list[dict[str, Any]]:
        items = self.value(source)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise Unknown(source)
        return items


_OPERATORS: tuple[tuple[str, Callable[[Any, Any], Any]], ...] = (
    ("||", lambda a, b: a or b), ("&&", lambda a, b: a and b), ("==", lambda a, b: a == b), ("!=", lambda a, b: a != b),
)
_NOT_LITERAL = object()


def _literal(text: str) -> Any:
    if text in ("null", "true", "false"):
        return {"null": None, "true": True, "false": False}[text]
    if text in ("[]", "{}"):
        return [] if text == "[]" else {}
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.startswith(("[", '"')):
        try:
            return json.loads(text)  # dyngen writes lists of strings and strings as JSON-compatible HCL
        except ValueError:
            return _NOT_LITERAL
    return _NOT_LITERAL


def _unique(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Unknown("toset")
    return list(dict.fromkeys(value))


def _length(value: Any) -> int:
    if not isinstance(value, (list, dict, str)):
        raise Unknown("length")
    return len(value)


def _keys(value: Any) -> list[Any]:
    if not isinstance(value, dict):
        raise Unknown("keys")
    return list(value)


_FUNCTIONS: Mapping[str, Callable[[Any], Any]] = {"toset": _unique, "length": _length, "keys": _keys}


def _split_ternary(text: str) -> tuple[str, str, str] | None:
    condition = _split_top(text, " ? ", limit=1)
    if len(condition) != 2:
        return None
    branches = _split_top(condition[1], " : ", limit=1)
    return (condition[0], branches[0], branches[1]) if len(branches) == 2 else None


def _split_top(text: str, separator: str, limit: int = -1) -> list[str]:
    """Split at `separator` where it is outside brackets and strings."""
    parts: list[str] = []
    depth, start, i, quoted = 0, 0, 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            quoted = ch != '"'
            i += 2 if ch == "\\" else 1
            continue
        if ch == '"':
            quoted = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i) and (limit < 0 or len(parts) < limit):
            parts.append(text[start:i])
            start = i + len(separator)
            i = start
            continue
        i += 1
    return parts + [text[start:]]
