"""User text made safe for one line: on a terminal (control characters escaped) or in a comment (folded to spaces)."""

from __future__ import annotations


def escaped_line(text: str) -> str:
    """The user's text on one terminal line: control and format characters as escapes, so nothing hides."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def folded_line(text: str) -> str:
    """The user's text as one line of words: control and format characters become spaces, runs of space one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
