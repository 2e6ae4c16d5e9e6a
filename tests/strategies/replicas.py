"""The stream, and replicas of an on-demand table (which need a NEW_AND_OLD_IMAGES stream and, with an existing
customer key, their own kms_key_arn: a created key is replicated to them)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import enum
from tests.strategies.values import kms_key_arns, regions


@st.composite
def stream(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if ctx.replicated:
        return {"stream": {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}}
    if draw(st.booleans()):
        return {"stream": {"enabled": draw(bools()), "view_type": draw(st.sampled_from(enum("stream_view_type")))}}
    return {}


@st.composite
def replicas(draw: Draw, ctx: EnvironmentContext, encryption: dict[str, Any]) -> dict[str, Any]:
    """`encryption` is the environment's effective encryption (tests.strategies.encryption.effective)."""
    if not ctx.replicated:
        return {}
    on = encryption.get("enabled")
    customer_key = bool(on and (encryption.get("kms_key_arn") or encryption.get("create_kms_key")))
    created_key = bool(on and encryption.get("create_kms_key") and not encryption.get("kms_key_arn"))
    others = draw(st.lists(regions().filter(lambda r: r != ctx.region), min_size=1, max_size=3, unique=True))
    found = []
    for other in others:
        replica: dict[str, Any] = {"region_name": other}
        # a key made for the table is replicated to a replica that names none (a multi-Region key)
        if customer_key and (not created_key or draw(st.booleans())):
            replica["kms_key_arn"] = draw(kms_key_arns(other))
        for flag in ("point_in_time_recovery", "propagate_tags"):
            if draw(st.booleans()):
                replica[flag] = draw(bools())
        if draw(st.booleans()):
            replica["deletion_protection"] = draw(st.one_of(st.none(), bools()))
        found.append(replica)
    return {"replicas": found}
