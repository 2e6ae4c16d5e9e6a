"""AWS Backup: schedule, cold storage and deletion (at least 90 days after cold storage), the vault's key."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.values import hostile_text, kms_key_arns

COLD_STORAGE_MINIMUM_DAYS = 90  # AWS Backup deletes a recovery point at least 90 days after moving it to cold storage


def _one_line(text: str) -> str:
    return "".join(" " if ch in "\n\r\x85\u2028\u2029" else ch for ch in text) or "x"


@st.composite
def backup(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    found: dict[str, Any] = {"enabled": draw(bools())}
    if draw(st.booleans()):
        found["schedule"] = draw(st.one_of(
            st.sampled_from(["cron(0 3 ? * * *)", "rate(1 day)", "rate(12 hours)"]),
            st.builds(lambda kind, body: f"{kind}({body})", st.sampled_from(["cron", "rate"]),
                      hostile_text(1, 40).map(_one_line)),
        ))
    cold = draw(st.one_of(st.none(), st.integers(1, 400)))
    cold_effective = cold if cold is not None else ctx.profile.get("backup", {}).get("cold_storage_after_days")
    found["cold_storage_after_days"] = cold
    minimum = cold_effective + COLD_STORAGE_MINIMUM_DAYS if cold_effective is not None else 1
    found["delete_after_days"] = draw(st.integers(minimum, minimum + 1000))
    if draw(st.booleans()):
        found["vault_kms_key_arn"] = draw(kms_key_arns(ctx.region))
    return {"backup": found}
