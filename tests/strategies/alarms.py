"""CloudWatch alarms: thresholds, the topic, the period and how many periods they evaluate."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies.context import Draw, EnvironmentContext, bools
from tests.strategies.schema_rules import bounds, default, enum
from tests.strategies.values import sns_topic_arns, thresholds

THRESHOLDS = ("read_throttle_threshold", "write_throttle_threshold", "user_errors_threshold",
              "system_errors_threshold", "latency_threshold_ms", "replication_latency_threshold_ms")


@st.composite
def alarms(draw: Draw, ctx: EnvironmentContext) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    found: dict[str, Any] = {"enabled": draw(bools())}
    if draw(st.booleans()):
        found["sns_topic_arn"] = draw(sns_topic_arns())
    for key in THRESHOLDS:
        if draw(st.integers(0, 3)) == 0:
            found[key] = draw(thresholds())
    if draw(st.booleans()):
        found["consumed_capacity_threshold_percent"] = draw(st.integers(*bounds("percent")))
    if draw(st.booleans()):
        found["period_seconds"] = draw(st.sampled_from(enum("period_seconds")))
    # CloudWatch evaluates over at most a day (a week with hourly periods)
    period = found.get("period_seconds") or default("alarms", "period_seconds")
    window = 7 * 86_400 if period >= 3600 else 86_400
    low, high = bounds("evaluation_periods")
    high = min(high, window // period)
    if draw(st.booleans()):
        found["evaluation_periods"] = draw(st.integers(low, high))
    elif default("alarms", "evaluation_periods") > high:
        found["evaluation_periods"] = high
    return {"alarms": found}
