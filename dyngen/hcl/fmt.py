"""`format_hcl`: text exactly as `terraform fmt` writes it, a port of hclwrite's formatter.

It mirrors format.go (formatIndent, linesForFormat, formatCells) for text whose spacing inside a line is already
right; it re-indents, aligns `=` and trailing comments, and trims whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dyngen.hcl.widths import columns

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
            widths = [columns(" " * c.indent + c.lead) for c in chain]
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
        widths = [columns(c.before_comment) for c in chain]
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
