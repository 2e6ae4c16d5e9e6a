"""The parts of the generated module. Each feature module decides, from the spec, whether it is used, which
variables and outputs it adds, and what its template partial receives; templates only lay that out.

A feature module defines:
    TEMPLATE: str                                  partial under templates/module/, rendered into its own file
                                                   (module/kms.tf.j2 -> kms.tf)
    SUMMARY: str                                   what that file holds: its line in the module README
    used(spec) -> bool                             render nothing of the feature when False
    variables(spec) -> list[Variable]
    outputs(spec) -> list[Output]
    context(spec) -> dict[str, Any]                what the partial receives as `c`
    PROVIDER_MINIMUM: str                          the oldest hashicorp/aws release with every argument it uses
and may define:
    provider_minimum(spec) -> str                  when the minimum depends on what the spec uses
    DATA_SOURCES: tuple[str, ...]                  data.<type>.current it reads, declared once in main.tf
    data_sources(spec) -> tuple[str, ...]          when those depend on what the spec uses
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    value: str  # an HCL expression inside the module


def all_features() -> tuple[ModuleType, ...]:
    # Imported here so that each feature module can import this package's helpers without a cycle.
    from dyngen.features import (
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

    return (table, kms, autoscaling, replicas, contributor_insights, alarms, dashboard, iam, vpc_endpoint, backup, items,
            kinesis, resource_policy)
