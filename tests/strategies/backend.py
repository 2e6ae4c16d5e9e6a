"""The S3 backend of the environment roots' state."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, bools
from tests.strategies.values import buckets, hostile_text, kms_key_arns, regions


@st.composite
def backends(draw: Draw, project: str | None = None) -> dict[str, Any]:
    s3: dict[str, Any] = {"bucket": draw(buckets())}
    if draw(st.booleans()):
        # Every environment needs its own state: a key shared by several environments names {env}.
        keys = [
            st.just("dynamodb/{name}/{env}/terraform.tfstate"),
            st.builds(lambda a, b: a + "{env}" + b, hostile_text(), hostile_text()),
        ] + ([st.just("{project}/{env}/{name}.tfstate")] if project else [])
        # {project} in a state key needs a project
        s3["key"] = draw(st.one_of(*keys).filter(lambda key: project or "{project}" not in key))
    if draw(st.booleans()):
        s3["region"] = draw(regions())
    if draw(st.booleans()):
        s3["dynamodb_table"] = draw(st.from_regex(r"\A[A-Za-z0-9_.-]{3,40}\Z", fullmatch=True))
    elif draw(st.booleans()):
        s3["use_lockfile"] = draw(bools())
    if draw(st.booleans()):
        s3["encrypt"] = draw(bools())
    if draw(st.booleans()):
        s3["kms_key_id"] = draw(kms_key_arns())
    return {"s3": s3}
