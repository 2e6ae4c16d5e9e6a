"""HCL text: encoding Python values as HCL literals, and formatting text exactly as `terraform fmt` writes it.

`format_hcl` mirrors hclwrite's formatter (format.go: formatIndent, linesForFormat, formatCells) for text whose
spacing inside a line is already right; it re-indents, aligns `=` and trailing comments, and trims whitespace.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# Bare words that HCL reads as something other than a key name (`for` starts a for expression).
_RESERVED_KEYS = frozenset({"for", "in", "if", "null", "true", "false"})
# Bare, these read back from python-hcl2 like its own bookkeeping keys (dyngen.roundtrip.PYTHON_HCL2_META_KEYS).
_PARSER_META_KEYS = frozenset({"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"})
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_NEEDS_ESCAPING = re.compile(r'[^\x20-\x7e]|["\\]|[$%]\{')  # all else is printable ASCII written as it is


# ---------------------------------------------------------------- literals


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
    if _IDENTIFIER.match(name) and name not in _RESERVED_KEYS and name not in _PARSER_META_KEYS:
        return name
    return quote(name)


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
        width = max(_columns(k) for k, _ in entries[start:end])
        for k, inner in entries[start:end]:
            pad = " " * (width - _columns(k)) if len(inner) == 1 else ""
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


# ---------------------------------------------------------------- column width (grapheme clusters)


def _columns(text: str) -> int:
    """Extended grapheme clusters in `text` (UAX #29, without Prepend), which is how hclwrite counts columns."""
    if text.isascii() and "\r" not in text:  # every ASCII character but CR LF is a cluster of its own
        return len(text)
    count, prev, emoji, ri_odd = 0, "", "", False
    for ch in text:
        kind = _grapheme_kind(ch)
        if count == 0 or _grapheme_break(prev, kind, emoji == "pict_zwj", ri_odd):
            count += 1
            ri_odd = False
        ri_odd = (not ri_odd) if kind == "ri" else False
        emoji = _emoji_state(emoji, kind)
        prev = kind
    return count


def _emoji_state(state: str, kind: str) -> str:
    """Where we are in `ExtPict Extend* ZWJ` (rule GB11)."""
    if kind == "pict":
        return "pict"
    if state == "pict" and kind == "extend":
        return "pict"
    if state == "pict" and kind == "zwj":
        return "pict_zwj"
    return ""


_HANGUL_JOINS = frozenset(
    {("L", "L"), ("L", "V"), ("L", "LV"), ("L", "LVT"), ("LV", "V"), ("V", "V"), ("LV", "T"), ("V", "T")}
    | {("LVT", "T"), ("T", "T")}
)


def _grapheme_break(prev: str, kind: str, after_pict_zwj: bool, ri_odd: bool) -> bool:
    if prev == "control" or kind == "control":
        return True
    if kind in ("extend", "zwj", "spacing"):
        return False
    if prev == "zwj" and kind == "pict":
        return not after_pict_zwj
    if kind == "ri" and prev == "ri":
        return not ri_odd
    return (prev, kind) not in _HANGUL_JOINS


def _grapheme_kind(ch: str) -> str:
    cp = ord(ch)
    if ch == "\u200d":
        return "zwj"
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F or ch in "\u200c\uff9e\uff9f":
        return "extend"
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return "ri"
    category = unicodedata.category(ch)
    if category in ("Mn", "Me"):
        return "extend"
    if category == "Mc":
        return "spacing"
    if category in ("Cc", "Cf", "Zl", "Zp"):
        return "control"
    return _hangul_kind(cp) or ("pict" if _is_pictographic(cp) else "other")


def _hangul_kind(cp: int) -> str | None:
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return None


# Extended_Pictographic above U+1F000 (Unicode 15), as (first, last) ranges.
_PICTOGRAPHIC_SMP = (
    (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F),
    (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D),
    (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F),
    (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip


def _is_pictographic(cp: int) -> bool:
    if cp >= 0x1F000:
        return any(first <= cp <= last for first, last in _PICTOGRAPHIC_SMP)
    return (
        0x2600 <= cp <= 0x27BF
        or 0x2190 <= cp <= 0x21FF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
    )


# ---------------------------------------------------------------- tokens and lines

# What hclsyntax's scanner tells apart, as far as the formatter looks: the alternatives are tried in order. A quoted
# string without `${`/`%{` is one token; one with a template sequence is scanned piece by piece (_STRING_PIECE).
_TOKEN = re.compile(
    r"[ \t\r]*(?:"
    + "|".join((
        r"(?P<nl>\n)",
        r"(?P<comment>(?:#|//)[^\n]*\n?)",
        r"(?P<bcomment>/\*[\s\S]*?\*/)",
        r"(?P<unclosed>/\*)",
        r"(?P<heredoc><<-?[A-Za-z_])",
        r'(?P<string>"(?:\\[\s\S]|\$\$\{|%%\{|[^"\n\\$%]|[$%](?!\{))*")',
        r'(?P<quote>")',
        r"(?P<open>[{\[(])",
        r"(?P<close>[}\])])",
        r"(?P<eq>=(?![=>]))",
        r'(?P<other>[=!<>]=|=>|[!<>]|[^ \t\r\n][^ \t\n"#{}\[\]()=!<>/,]*)',
    ))
    + ")"
)
_STRING_PIECE = re.compile(r'(?:\\[\s\S]|\$\$\{|%%\{|[^"\n\\$%]|[$%](?!\{))*')
_CLOSING = {"}": "{", "]": "[", ")": "("}


def _tokens(src: str) -> list[list[tuple[str, str, int]]]:
    """The (kind, text, spaces before it) tokens of each line; a line ends after a newline or a `#`/`//` comment.

    Kinds: nl, comment (ends a line), open (`{ [ ( ${ %{`), close, eq (an assignment's `=`), lit (in a string),
    other. Spaces at the end of the text belong to no token.
    """
    lines: list[list[tuple[str, str, int]]] = []
    line: list[tuple[str, str, int]] = []
    stack: list[str] = []  # "str" inside quotes, "interp" inside ${ }, or an open bracket
    i, end = 0, len(src)
    while i < end:
        if stack and stack[-1] == "str":
            i = _string_piece(src, i, stack, line)
            continue
        match = _TOKEN.match(src, i)
        if match is None:  # only spaces are left: the last alternative matches any other character
            break
        kind = match.lastgroup or ""
        text, start = match.group(kind), match.start(kind)
        if kind == "unclosed":
            raise ValueError("unterminated /* comment")
        if kind == "heredoc":
            raise ValueError("heredoc strings are not supported by format_hcl")
        if kind == "quote":
            stack.append("str")
        elif kind == "open":
            stack.append(text)
        elif kind == "close":
            top = stack[-1] if stack else None
            if not (top == _CLOSING[text] or (top == "interp" and text == "}")):
                raise ValueError(f"unbalanced HCL: unexpected {text!r}")
            stack.pop()
        line.append((kind, text, start - i))
        i = match.end()
        if kind == "nl" or (kind == "comment" and text.endswith("\n")):
            lines.append(line)
            line = []
    if stack:
        raise ValueError(f"unbalanced HCL: {stack[-1]!r} is never closed")
    if line:
        lines.append(line)
    return lines


def _string_piece(src: str, i: int, stack: list[str], line: list[tuple[str, str, int]]) -> int:
    """Inside a quoted string that has template sequences: literal text, then the closing quote or a `${`/`%{`."""
    piece = _STRING_PIECE.match(src, i)
    assert piece is not None  # the pattern matches the empty text
    j = piece.end()
    if j > i:
        line.append(("lit", src[i:j], 0))
    if j >= len(src) or src[j] in "\n\\":
        raise ValueError("unterminated quoted string")
    if src[j] == '"':
        stack.pop()
        line.append(("lit", '"', 0))
        return j + 1
    opener = src[j : j + 3] if src[j + 2 : j + 3] == "~" else src[j : j + 2]
    stack.append("interp")
    line.append(("open", opener, 0))
    return j + len(opener)


@dataclass
class _Line:
    """One line as hclwrite's linesForFormat sees it: a lead cell, an assignment cell (from its `=`) and a trailing
    comment cell, each rendered without the spaces before it; `net` is how many brackets it opens."""

    lead: str
    assign: str | None
    comment: str | None
    net: int
    indent: int = 0
    assign_spaces: int = 1
    comment_spaces: int = 1

    @property
    def before_comment(self) -> str:
        text = " " * self.indent + self.lead
        return text + " " * self.assign_spaces + self.assign if self.assign is not None else text


def _line(tokens: list[tuple[str, str, int]]) -> _Line | None:
    """hclwrite's split into cells (None for a blank line). The assignment cell starts at the first `=` after the
    line's first token, if the brackets after it balance. A `=` gets one space before it (alignment then widens
    assignment lines), a newline none, the first token the indentation (set later)."""
    if tokens[0][0] == "nl":
        return None
    comment = None
    if tokens[-1][0] == "comment":
        text = tokens[-1][1]
        text = text.rstrip(" \t\r\n") + ("\n" if text.endswith("\n") else "")
        if len(tokens) > 1:
            comment, tokens = text, tokens[:-1]
        else:
            tokens = [("comment", text, 0)]
    parts: list[str] = []
    net, eq_at, net_before_eq = 0, 0, 0
    for kind, text, spaces in tokens:
        if kind == "eq":
            if not eq_at and parts:
                eq_at, net_before_eq = len(parts), net
            parts.append(" =" if parts else "=")
            continue
        if kind == "open":
            net += 1
        elif kind == "close":
            net -= 1
        parts.append(" " * spaces + text if parts and kind != "nl" else text)
    if eq_at and net == net_before_eq:
        return _Line("".join(parts[:eq_at]), "".join(parts[eq_at:])[1:], comment, net)
    return _Line("".join(parts), None, comment, net)


def _indent(lines: list[_Line | None]) -> None:
    """hclwrite's formatIndent: one level per line that opens brackets, however many it opens."""
    indents: list[int] = []
    for line in lines:
        if line is None:
            continue
        if line.net > 0:
            line.indent = 2 * len(indents)
            indents.append(line.net)
            continue
        closed = -line.net
        while closed > 0 and indents:
            if closed >= indents[-1]:
                closed -= indents.pop()
            else:
                indents[-1] -= closed
                closed = 0
        line.indent = 2 * len(indents)


def _align_assignments(lines: list[_Line | None]) -> None:
    """hclwrite's formatCells: a run of lines that all assign aligns their `=` one column past the widest lead."""
    chain: list[_Line] = []
    for line in lines + [None]:
        if line is not None and line.assign is not None:
            chain.append(line)
            continue
        if len(chain) > 1:
            widths = [_columns(" " * c.indent + c.lead) for c in chain]
            widest = max(widths)
            for chained, width in zip(chain, widths):
                chained.assign_spaces = widest - width + 1
        chain = []


def _align_comments(lines: list[_Line | None]) -> None:
    """The same for trailing comments, one column past the widest text before them."""
    chain: list[_Line] = []
    for line in lines + [None]:
        if line is not None and line.comment is not None:
            chain.append(line)
            continue
        widths = [_columns(c.before_comment) for c in chain]
        widest = max(widths, default=0)
        for chained, width in zip(chain, widths):
            chained.comment_spaces = widest - width + 1
        chain = []


def format_hcl(text: str) -> str:
    """`text` exactly as terraform fmt writes it, given that spacing inside each line is already right.

    Re-indents, aligns `=` and trailing comments, strips trailing whitespace and ends with one newline. Blank lines
    are kept as they are (terraform fmt keeps every blank line, also after `{` and before `}`), except at the end.
    """
    lines = [_line(tokens) for tokens in _tokens(text.replace("\r\n", "\n"))]
    _indent(lines)
    _align_assignments(lines)
    _align_comments(lines)
    out = "".join(
        "\n" if line is None
        else line.before_comment + (" " * line.comment_spaces + line.comment if line.comment is not None else "")
        for line in lines
    ).rstrip("\n")
    return out + "\n" if out.strip() else ""
