"""One environment's settings, composed in one place from the per-feature strategies (a new feature adds one line)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dyngen.model import PROFILES
from tests.strategies import (
    alarms,
    backup,
    billing,
    encryption,
    import_from_s3,
    items,
    replicas,
    table_options,
    vpc_endpoint,
)
from tests.strategies.context import Draw, EnvironmentContext
from tests.strategies.schema_rules import enum
from tests.strategies.values import regions, tags

# Each takes the context and returns the keys it sets; the order is the order of the keys in the environment.
FEATURES = (
    table_options.table_options,
    replicas.stream,
    table_options.ttl,
    table_options.point_in_time_recovery,
    encryption.encryption,
)
LATER_FEATURES = (alarms.alarms, vpc_endpoint.vpc_endpoint, backup.backup, import_from_s3.import_from_s3,
                  items.table_items)


@st.composite
def environment_settings(draw: Draw, shape: dict[str, Any], gsi_names: list[str]) -> dict[str, Any]:
    """Every key an environment sets explicitly (profile included), valid once merged over dyngen's defaults."""
    s: dict[str, Any] = {}
    profile = draw(st.sampled_from([None, *enum("profile")]))
    if profile:
        s["profile"] = profile
    region = draw(st.one_of(st.none(), regions()))
    if region:
        s["region"] = region
    provisioned = draw(st.booleans())
    replicated = region is not None and not provisioned and draw(st.integers(0, 3)) == 0
    ctx = EnvironmentContext(shape, gsi_names, PROFILES.get(profile or "", {}), region, provisioned, replicated)
    s.update(draw(billing.billing(ctx, profile)))
    for feature in FEATURES:
        s.update(draw(feature(ctx)))
    s.update(draw(replicas.replicas(ctx, encryption.effective(ctx, s))))
    for feature in LATER_FEATURES:
        s.update(draw(feature(ctx)))
    if draw(st.booleans()):
        s["tags"] = draw(tags())
    return s
