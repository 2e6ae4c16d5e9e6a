"""Creating the table from an S3 import: bucket, format, key prefix, owner, compression, CSV options."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext
from tests.strategies.schema_rules import enum
from tests.strategies.values import (
    CHARACTERS,
    account_ids,
    attribute_names,
    buckets,
    hostile_text,
)

DELIMITERS = (",", ";", "\t", "|", '"', "\\", "$", "\x00", "😀")


@st.composite
def import_from_s3(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if draw(st.integers(0, 3)) != 0:
        return {}
    fmt = draw(st.sampled_from(enum("import_format")))
    found: dict[str, Any] = {"bucket": draw(buckets()), "input_format": fmt}
    if draw(st.booleans()):
        found["key_prefix"] = draw(hostile_text(1, 80))
    if draw(st.booleans()):
        found["bucket_owner"] = draw(account_ids())
    if draw(st.booleans()):
        found["compression"] = draw(st.sampled_from(enum("import_compression")))
    if fmt == "CSV" and draw(st.booleans()):
        found["csv"] = draw(st.fixed_dictionaries({}, optional={
            "delimiter": st.one_of(st.sampled_from(DELIMITERS), st.text(CHARACTERS, min_size=1, max_size=1)),
            "header_list": st.lists(attribute_names(), min_size=1, max_size=4, unique=True),
        }))
    return {"import_from_s3": found}
