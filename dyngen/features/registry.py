"""Every feature, once, in the order their partials appear in the module (the output order)."""

from __future__ import annotations

from dyngen.features import (
    Feature,
    alarms,
    autoscaling,
    backup,
    contributor_insights,
    dashboard,
    iam,
    items,
    kinesis,
    kms,
    replicas,
    resource_policy,
    table,
    vpc_endpoint,
)

FEATURES: tuple[Feature, ...] = (
    table.FEATURE,
    kms.FEATURE,
    autoscaling.FEATURE,
    replicas.FEATURE,
    contributor_insights.FEATURE,
    alarms.FEATURE,
    dashboard.FEATURE,
    iam.FEATURE,
    vpc_endpoint.FEATURE,
    backup.FEATURE,
    items.FEATURE,
    kinesis.FEATURE,
    resource_policy.FEATURE,
)
