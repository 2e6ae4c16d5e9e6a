"""Tables that would be the same DynamoDB table: one name in one region of one account, claimed twice across specs.

DynamoDB table names are unique per account and region, whatever the environment is called: two environments that
resolve to the same name in the same region collide. A region or account that a spec leaves open (null: the
provider's) could be any, so it collides with every value; replicas claim the name in their regions too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from dyngen.errors import FieldPath, Problem
from dyngen.model import Spec


@dataclass(frozen=True)
class TableClaim:
    """One environment's table: where it lives and where its name is written."""

    file: str
    environment: str
    table_name: str
    regions: frozenset[str | None]  # the table's region (None: the provider's) and its replicas' regions
    account_id: str | None  # None: not named, so any account
    position: tuple[int, int]
    field: FieldPath  # table_name, or name when the spec leaves table_name to its default


def table_name_field(data: object) -> FieldPath:
    """The key whose value makes the table names: table_name where the spec writes it, else name."""
    return ("table_name",) if isinstance(data, dict) and data.get("table_name") else ("name",)


def claims(file: str, spec: Spec, position: tuple[int, int], field: FieldPath) -> tuple[TableClaim, ...]:
    return tuple(
        TableClaim(
            file, env.name, env.table_name,
            frozenset([env.settings.get("region")] + [r["region_name"] for r in env.settings.get("replicas") or ()]),
            env.settings.get("account_id"), position, field,
        )
        for env in spec.environments
    )


def collisions(all_claims: Iterable[TableClaim]) -> list[Problem]:
    """One problem per claim that an earlier claim already holds, located where the later one's name is written."""
    problems = []
    earlier: list[TableClaim] = []
    for claim in all_claims:
        holder = next((e for e in earlier if _same_table(e, claim)), None)
        if holder is not None:
            problems.append(_problem(claim, holder))
        earlier.append(claim)
    return problems


def _same_table(a: TableClaim, b: TableClaim) -> bool:
    if a.table_name != b.table_name:
        return False
    if a.account_id and b.account_id and a.account_id != b.account_id:
        return False
    return None in a.regions or None in b.regions or bool(a.regions & b.regions)


def _problem(claim: TableClaim, holder: TableClaim) -> Problem:
    shared = sorted(r for r in claim.regions & holder.regions if r)
    region = f"region {', '.join(shared)}" if shared else "one of them leaves the region to the provider"
    where = holder.file if holder.file != claim.file else "this spec"
    message = (
        f"table `{claim.table_name}` of environment {claim.environment} is also the table of environment "
        f"{holder.environment} in {where} ({region}): DynamoDB table names are unique per account and region; "
        f"give one of them another table_name, region or account_id"
    )
    return Problem(claim.file, *claim.position, message, claim.field)
