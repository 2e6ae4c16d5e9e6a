"""Adoption of existing resources: the Terraform `import` blocks of an environment whose spec sets `import_existing`."""

from __future__ import annotations

from dataclasses import dataclass

from dyngen import facts, hcl
from dyngen.features import autoscaling, table
from dyngen.model import Environment, Spec

MODULE = "module.table"


@dataclass(frozen=True)
class ImportBlock:
    """`import { to = ADDRESS, id = ID }`: ADDRESS is HCL as written, ID the provider's import id."""

    to: str
    id: str


def import_blocks(spec: Spec, env: Environment) -> tuple[ImportBlock, ...]:
    """The table at the address this environment renders it at, and each autoscaling target and policy it renders,
    with the import ids the AWS provider documents: a table's name; `dynamodb/<resource id>/<scalable dimension>`
    for a target, followed by `/<policy name>` for a policy."""
    if not env.settings.get("import_existing"):
        return ()
    blocks = [ImportBlock(env.table_address, env.table_name)]
    if env.autoscaled:
        blocks += _scaling_targets(spec, env)
    return tuple(blocks)


def _scaling_targets(spec: Spec, env: Environment) -> list[ImportBlock]:
    """Each scalable target and its target-tracking policy. A policy is adopted under the name the module gives it,
    `<metric>:<resource id>`, which is also the name the AWS console gives the policies it creates."""
    table_id = f"table/{env.table_name}"
    scaled = [("table", "[0]", table_id)]
    if _scales_indexes(spec, env):
        names = sorted(index.name for index in spec.global_indexes)
        scaled += [("index", f"[{hcl.quote(name)}]", f"{table_id}/index/{name}") for name in names]
    blocks = []
    for kind, key, resource_id in scaled:
        for scaler in autoscaling.SCALERS:
            target_id = f"dynamodb/{resource_id}/dynamodb:{kind}:{scaler.unit}"
            blocks += [
                ImportBlock(f"{MODULE}.aws_appautoscaling_target.{kind}_{scaler.direction}{key}", target_id),
                ImportBlock(f"{MODULE}.aws_appautoscaling_policy.{kind}_{scaler.direction}{key}",
                            f"{target_id}/{scaler.metric}:{resource_id}"),
            ]
    return blocks


def _scales_indexes(spec: Spec, env: Environment) -> bool:
    return table.autoscales_indexes(spec) and facts.autoscales_indexes(env.settings)
