"""Encryption at rest: AWS-owned, AWS-managed, an existing customer key, or a key made for the table."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dyngen.resolve import deep_merge
from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import bounds, default
from tests.strategies.values import kms_key_arns


@st.composite
def encryption(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    mode = draw(st.sampled_from(["default", "owned", "managed", "existing", "created"]))
    if mode == "owned":
        return {"encryption": {"enabled": False}}
    if mode == "managed":
        return {"encryption": {"enabled": True, "create_kms_key": False}}
    if mode == "existing":
        return {"encryption": {"enabled": True, "kms_key_arn": draw(kms_key_arns(ctx.region)), "create_kms_key": False}}
    if mode == "created":
        created: dict[str, Any] = {"enabled": True, "create_kms_key": True}
        if draw(st.booleans()):
            created["kms_deletion_window_days"] = draw(st.integers(*bounds("kms_deletion_window_days")))
        if draw(st.booleans()):
            created["kms_key_rotation"] = draw(bools())
        return {"encryption": created}
    return {}


def effective(ctx: EnvironmentContext, own: dict[str, Any]) -> dict[str, Any]:
    """The encryption an environment ends up with: dyngen's defaults < its profile < its own keys."""
    return deep_merge(deep_merge(default("encryption"), ctx.profile.get("encryption", {})), own.get("encryption", {}))
