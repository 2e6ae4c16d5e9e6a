"""Adoption of existing resources: the Terraform `import` blocks of an environment whose spec sets `import_existing`."""

from __future__ import annotations

from dataclasses import dataclass

from dyngen import hcl
from dyngen.features import autoscaling, table
from dyngen.model import Environment, Spec

MODULE = "module.table"


@dataclass(frozen=True)
class ImportBlock:
    """`import { to = ADDRESS, id = ID }`: ADDRESS is HCL as written, ID the provider's import id."""

    to: str
    id: str


def import_blocks(spec: Spec, env: Environment) -> tuple[ImportBlock, ...]:
    """The table at the address this environment renders it at, and each autoscaling target it renders, with the
    import ids the AWS provider documents (a table's name; `dynamodb/<resource id>/<scalable dimension>`)."""
    if not env.settings.get("import_existing"):
        return ()
    current = "autoscaled" if table.is_autoscaled(env.settings) else "this"
    blocks = [ImportBlock(f"{MODULE}.aws_dynamodb_table.{current}[0]", env.table_name)]
    if current == "autoscaled":
        blocks += _scaling_targets(spec, env)
    return tuple(blocks)


def _scaling_targets(spec: Spec, env: Environment) -> list[ImportBlock]:
    indexes = sorted(i.name for i in spec.global_indexes) if _scales_indexes(spec, env) else []
    blocks = []
    for scaler in autoscaling.SCALERS:
        table_id = f"table/{env.table_name}"
        blocks.append(ImportBlock(
            f"{MODULE}.aws_appautoscaling_target.table_{scaler.direction}[0]",
            f"dynamodb/{table_id}/dynamodb:table:{scaler.unit}",
        ))
        blocks += [
            ImportBlock(
                f"{MODULE}.aws_appautoscaling_target.index_{scaler.direction}[{hcl.quote(index)}]",
                f"dynamodb/{table_id}/index/{index}/dynamodb:index:{scaler.unit}",
            )
            for index in indexes
        ]
    return blocks


def _scales_indexes(spec: Spec, env: Environment) -> bool:
    return table.autoscales_indexes(spec) and bool((env.settings.get("autoscaling") or {}).get("indexes"))
