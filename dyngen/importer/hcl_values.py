"""Literal values of Terraform configuration as python-hcl2 8.x gives them: quoted strings, `${...}` expressions,
variables with defaults, locals and `dynamic` blocks resolved; anything else marked Unresolved with the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from dyngen import hcl
from dyngen.hcl.literals import PYTHON_HCL2_META_KEYS

REFERENCE = re.compile(r'^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[(?:"[^"]*"|\d+)\])*$')
PART = re.compile(r'\.([A-Za-z_][\w-]*)|\[("[^"]*"|\d+)\]')
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Unresolved:
    """A value dyngen cannot know from the configuration alone."""

    expression: str
    reason: str


@dataclass
class Scope:
    """What names mean in one Terraform folder: variables (defaults), locals (raw), resources (raw bodies by
    `type.label`) and, inside a dynamic block, its iterator."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    locals: Mapping[str, Any] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)
    iterators: Mapping[str, Any] = field(default_factory=dict)
    resolving: tuple[str, ...] = ()

    def with_iterator(self, name: str, key: Any, value: Any) -> Scope:
        iterators = {**self.iterators, name: {"key": key, "value": value}}
        return Scope(self.variables, self.locals, self.resources, iterators, self.resolving)


def is_meta(key: Any) -> bool:
    return key in PYTHON_HCL2_META_KEYS


def label(raw: str) -> str:
    return hcl.unquote(raw) if raw.startswith('"') else raw


def resolve(raw: Any, scope: Scope) -> Any:
    """The value `raw` says, with Unresolved where it depends on something dyngen cannot know."""
    if isinstance(raw, str):
        if raw.startswith('"'):
            return _template(raw[1:-1], scope)
        if raw.startswith("${") and raw.endswith("}"):
            return expression(raw[2:-1], scope)
        return raw
    if isinstance(raw, list):
        return [resolve(item, scope) for item in raw]
    if isinstance(raw, dict):
        return {label(k): resolve(v, scope) for k, v in raw.items() if not is_meta(k)}
    return raw


def has_unresolved(value: Any) -> Unresolved | None:
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, list):
        return next((u for u in map(has_unresolved, value) if u), None)
    if isinstance(value, dict):
        return next((u for u in map(has_unresolved, value.values()) if u), None)
    return None


def _template(body: str, scope: Scope) -> Any:
    """A quoted string's body: literal pieces unescaped, each `${...}` evaluated."""
    pieces = _interpolations(body)
    if len(pieces) == 1 and pieces[0] == (0, len(body)):
        return expression(body[2:-1], scope)
    out, last = [], 0
    for start, end in pieces:
        value = expression(body[start + 2:end - 1], scope)
        if isinstance(value, Unresolved):
            return Unresolved(f'"{body}"', value.reason)
        if isinstance(value, (list, dict)):
            return Unresolved(f'"{body}"', "a collection inside a string")
        out += [hcl.unquote(f'"{body[last:start]}"'), _string(value)]
        last = end
    return "".join(out + [hcl.unquote(f'"{body[last:]}"')])


def _interpolations(text: str) -> list[tuple[int, int]]:
    found, i = [], 0
    while (start := text.find("${", i)) >= 0:
        if start > 0 and text[start - 1] == "$":  # $${ is a literal ${
            i = start + 2
            continue
        depth, end = 0, start + 1
        while end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
            if depth == 0:
                break
        found.append((start, end))
        i = end
    return found


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def expression(text: str, scope: Scope) -> Any:
    text = text.strip()
    literal = _literal(text)
    if literal is not _NOT_LITERAL:
        return literal
    if not REFERENCE.match(text):
        return Unresolved(text, "an expression dyngen does not evaluate (a function, an operator or a for)")
    root, rest = text.split(".", 1)[0].split("[", 1)[0], text
    parts = [m.group(1) or _index(m.group(2)) for m in PART.finditer(rest[len(root):])]
    return _reference(root, parts, text, scope)


_NOT_LITERAL = object()


def _literal(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text:
        return hcl.unquote(text)
    return _NOT_LITERAL


def _index(raw: str) -> Any:
    return hcl.unquote(raw) if raw.startswith('"') else int(raw)


def _reference(root: str, parts: list[Any], text: str, scope: Scope) -> Any:
    if root == "var" and parts:
        if parts[0] not in scope.variables:
            return Unresolved(text, f"variable `{parts[0]}` has no default")
        return _walk(scope.variables[parts[0]], parts[1:], text)
    if root == "local" and parts:
        return _local(parts, text, scope)
    if root in scope.iterators:
        return _walk(scope.iterators[root], parts, text)
    if len(parts) >= 2 and f"{root}.{parts[0]}" in scope.resources:
        return _resource_attribute(f"{root}.{parts[0]}", parts[1:], text, scope)
    return Unresolved(text, "a reference to something dyngen cannot resolve (another resource, a data source, "
                            "a module output)")


def _local(parts: list[Any], text: str, scope: Scope) -> Any:
    name = parts[0]
    if name not in scope.locals:
        return Unresolved(text, f"local `{name}` is not defined in this folder")
    if name in scope.resolving:
        return Unresolved(text, f"local `{name}` refers to itself")
    inner = Scope(scope.variables, scope.locals, scope.resources, {}, scope.resolving + (name,))
    return _walk(resolve(scope.locals[name], inner), parts[1:], text)


def _resource_attribute(address: str, parts: list[Any], text: str, scope: Scope) -> Any:
    """Arguments of a resource in the same folder (`aws_dynamodb_table.orders.name`); a table's id is its name."""
    body = scope.resources[address]
    attribute = "name" if address.startswith("aws_dynamodb_table.") and parts[0] == "id" else parts[0]
    if attribute not in body:
        return Unresolved(text, f"a reference to `{address}`'s computed attribute `{parts[0]}`")
    return _walk(resolve(body[attribute], scope), parts[1:], text)


def _walk(value: Any, parts: list[Any], text: str) -> Any:
    for part in parts:
        if isinstance(value, Unresolved):
            return value
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return Unresolved(text, f"`{part}` is not in the value")
    return value
