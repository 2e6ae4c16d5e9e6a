"""HCL literals: Python values encoded as HCL, strings quoted and unquoted, object keys bare or quoted."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable

from dyngen.hcl.widths import columns

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# Bare words that HCL reads as something other than a key name (`for` starts a for expression).
_RESERVED_KEYS = frozenset({"for", "in", "if", "null", "true", "false"})
# python-hcl2 8.x's own bookkeeping keys in what it parses, not part of the configuration. Exactly these: a user's
# key such as `___` or `__x__` (an index name, a tag key) is configuration; bare, these would read back as
# bookkeeping, so `key` quotes a user's key that equals one of them.
PYTHON_HCL2_META_KEYS = frozenset(
    {"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"}
)
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_NEEDS_ESCAPING = re.compile(r'[^\x20-\x7e]|["\\]|[$%]\{')  # all else is printable ASCII written as it is


def quote(text: str) -> str:
    """An HCL quoted string literal whose value is exactly `text`, with nothing interpolated.

    Control, format (bidi marks, zero-width characters) and line/paragraph separators are written as `\\uXXXX` so a
    reviewer sees them. `${` and `%{` become `$${` and `%%{`; when no `}` follows them in the value, python-hcl2
    (whose escaped-interpolation token needs a closing brace) cannot read that, so `{` is written `\\u007B` instead,
    which HashiCorp's parser reads as the same value.
    """
    if not _NEEDS_ESCAPING.search(text):
        return f'"{text}"'
    out: list[str] = ['"']
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in "$%" and text[i + 1 : i + 2] == "{" and "}" in text[i + 2 :]:
            out.append(ch + ch)
        elif ch == "{" and text[i - 1 : i] in ("$", "%") and "}" not in text[i + 1 :]:
            out.append("\\u007B")
        elif ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif category == "Cs":
            raise ValueError(f"lone surrogate U+{ord(ch):04X} cannot be written as UTF-8")
        elif category in _INVISIBLE_CATEGORIES:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def unquote(literal: str) -> str:
    """The value of a quoted HCL string literal as python-hcl2 8.x returns it (quotes kept, escapes untouched).

    Reads escapes and `$${` / `%%{` left to right, as HashiCorp's scanner does. Raises ValueError for anything that
    is not a plain literal (an interpolation or directive).
    """
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise ValueError(f"not a quoted string literal: {literal!r}")
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            text, i = _unescape(body, i)
            out.append(text)
        elif ch in "$%" and body[i + 1 : i + 3] == ch + "{":
            out.append(ch + "{")
            i += 3
        elif ch in "$%" and body[i + 1 : i + 2] == "{":
            raise ValueError(f"string literal has a template sequence: {literal!r}")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _unescape(body: str, i: int) -> tuple[str, int]:
    sel = body[i + 1 : i + 2]
    if sel in _UNESCAPES:
        return _UNESCAPES[sel], i + 2
    width = {"u": 4, "U": 8}.get(sel)
    digits = body[i + 2 : i + 2 + width] if width else ""
    if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise ValueError(f"invalid escape sequence in string literal at {body[i:i + 10]!r}")
    return chr(int(digits, 16)), i + 2 + width


def key(name: str) -> str:
    """An object or map key: bare when it is a plain identifier, else quoted."""
    if _IDENTIFIER.match(name) and name not in _RESERVED_KEYS and name not in PYTHON_HCL2_META_KEYS:
        return name
    return quote(name)


def expressions(items: Iterable[str]) -> str:
    """An HCL tuple of expressions written as they are: `[a, b]`."""
    return "[" + ", ".join(items) + "]"


def encode(value: Any) -> str:
    """The HCL literal for a None/bool/int/float/str/list/tuple/dict value, laid out as terraform fmt keeps it."""
    return "\n".join(_encode_lines(value))


def _encode_scalar(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, str):
        return quote(value)
    return None


def _encode_float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"HCL has no literal for {value!r}")
    # Positional notation: python-hcl2 reads `1e+16` as an expression, not a number.
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _encode_lines(value: Any) -> list[str]:
    scalar = _encode_scalar(value)
    if scalar is not None:
        return [scalar]
    if isinstance(value, (list, tuple)):
        return _encode_list(list(value))
    if isinstance(value, dict):
        return _encode_dict(value)
    raise TypeError(f"cannot encode {type(value).__name__} as HCL: {value!r}")


def _encode_list(items: list[Any]) -> list[str]:
    scalars = [_encode_scalar(item) for item in items]
    if all(s is not None for s in scalars):
        return ["[" + ", ".join(s for s in scalars if s is not None) + "]"]
    lines = ["["]
    for item in items:
        inner = _encode_lines(item)
        inner[-1] += ","
        lines.extend("  " + line for line in inner)
    return lines + ["]"]


def _encode_dict(mapping: dict[Any, Any]) -> list[str]:
    if not mapping:
        return ["{}"]
    entries: list[tuple[str, list[str]]] = []
    for name, item in mapping.items():
        if not isinstance(name, str):
            raise TypeError(f"HCL object keys must be strings, not {type(name).__name__}: {name!r}")
        entries.append((key(name), _encode_lines(item)))
    lines = ["{"]
    for start, end in _single_line_runs(entries):
        width = max(columns(k) for k, _ in entries[start:end])
        for k, inner in entries[start:end]:
            pad = " " * (width - columns(k)) if len(inner) == 1 else ""
            lines.append(f"  {k}{pad} = {inner[0]}")
            lines.extend("  " + line for line in inner[1:])
    return lines + ["}"]


def _single_line_runs(entries: list[tuple[str, list[str]]]) -> list[tuple[int, int]]:
    """Index ranges aligned together: runs of one-line values; a multi-line value stands alone (it breaks the chain)."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i, (_, inner) in enumerate(entries):
        if len(inner) > 1:
            if start < i:
                runs.append((start, i))
            runs.append((i, i + 1))
            start = i + 1
    if start < len(entries):
        runs.append((start, len(entries)))
    return runs
