"""Column widths as hclwrite counts them: extended grapheme clusters (UAX #29, Unicode 15.0 as in go-textseg)."""

from __future__ import annotations

import unicodedata


def columns(text: str) -> int:
    """Extended grapheme clusters in `text` (UAX #29 of Unicode 15.0, before GB9c's Indic conjuncts), which is how
    hclwrite counts columns.

    Not the `regex` package's `\\X`: it follows Unicode 15.1+, whose rule GB9c joins an Indic conjunct (`क्ष`)
    into one cluster where terraform fmt counts two, so alignment would differ (measured with hcl-check).
    """
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
    if kind in ("extend", "zwj", "spacing") or prev == "prepend":
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
    if 0x0600 <= cp <= 0x11F02 and any(first <= cp <= last for first, last in _PREPEND):
        return "prepend"
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


# Grapheme_Cluster_Break=Prepend (Unicode 15.0), as (first, last) ranges; all are format or other letters.
_PREPEND = (
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x0D4E, 0x0D4E),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941),
    (0x11A3A, 0x11A3A), (0x11A84, 0x11A89), (0x11D46, 0x11D46), (0x11F02, 0x11F02),
)  # fmt: skip

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
