"""What a planned change would do to live tables: each environment root on disk is compared with its new render.

A change that makes Terraform replace a table, create a second one or lose track of one is refused; what Terraform
would silently ignore, and other surprises, are warnings. Only roots whose Terraform files change are read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable, Sequence

from dyngen.errors import Problem
from dyngen.plan import Action, RenderPlan
from dyngen.tablefacts import IndexShape, Key, TableFacts, UnreadableRoot, read_root

TERRAFORM_FILES = (".tf", ".tfvars")
SAFE_AUTOSCALING = ("safe procedure: first render and apply billing_mode PROVISIONED with read_capacity and "
                    "write_capacity and autoscaling off, then switch autoscaling on and apply again "
                    "(README: Safe changes)")


class Severity(Enum):
    REFUSE = "error"
    WARN = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing a change would do to a live table, located in the spec when the spec still exists."""

    severity: Severity
    file: str
    line: int | None
    column: int | None
    spec: str
    env: str
    table: str | None
    reason: str
    advice: str

    @property
    def refused(self) -> bool:
        return self.severity is Severity.REFUSE

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file

    def message(self) -> str:
        table = f", table {self.table}" if self.table else ""
        return f"spec `{self.spec}`, environment {self.env}{table}: {self.reason}; {self.advice}"


def assess(plan: RenderPlan, new: Sequence[TableFacts]) -> list[Finding]:
    """The findings of a plan, given the facts of every root the run renders. Nothing is parsed when no Terraform
    file changes: unchanged files mean an unchanged meaning."""
    changed = [c.path for c in plan.changes
               if c.action in (Action.UPDATE, Action.DELETE, Action.FOREIGN) and c.path.endswith(TERRAFORM_FILES)]
    if not changed:
        return []
    old_files = {c.path: c.old for c in plan.changes if c.old is not None}
    on_disk = {root for root in map(environment_root_of, old_files) if root}
    affected = sorted(root for root in on_disk if any(_touches(path, root) for path in changed))
    out = plan.out.as_posix()
    old: list[TableFacts] = []
    findings: list[Finding] = []
    for root in affected:
        try:
            old.append(read_root(old_files, root))
        except UnreadableRoot as error:
            findings.append(_unreadable(error, out))
    return findings + compare_trees(old, new, on_disk - set(affected), out)


def shared_states(new: Sequence[TableFacts]) -> list[Problem]:
    """Roots that would share one Terraform state: each apply would destroy what the other manages. An error of the
    specs, whatever is on disk."""
    first: dict[tuple[str, ...], TableFacts] = {}
    problems = []
    for facts in new:
        other = first.setdefault(facts.state, facts)
        if other is facts:
            continue
        line, column = facts.position("state") or (0, 0)
        problems.append(Problem(
            facts.file, line, column,
            f"environment {facts.env} of spec `{facts.spec}` keeps its Terraform state at {facts.where_state('')}, "
            f"like environment {other.env} of spec `{other.spec}` ({other.file}): each apply would destroy the "
            f"other's table; put {{name}} and {{env}} in backend.s3.key",
        ))
    return problems


def environment_root_of(path: str) -> str | None:
    """`orders/envs/prod/main.tf` -> `orders/envs/prod`; None for a module file."""
    parts = path.split("/")
    return "/".join(parts[:3]) if len(parts) == 4 and parts[1] == "envs" else None


def _touches(path: str, root: str) -> bool:
    """A root's meaning depends on its own files and on its module's (the folder two levels up)."""
    folder = posixpath.dirname(path)
    return folder == root or folder == root.split("/envs/", 1)[0]


def compare_trees(old: Sequence[TableFacts], new: Sequence[TableFacts], untouched: Iterable[str],
                  out: str) -> list[Finding]:
    """Match old and new roots by where Terraform keeps their state, then compare each pair; an old root whose state
    no new root uses is lost: moved (a new root of the same table starts from an empty state) or pruned."""
    by_state = {n.state: n for n in new}
    old_states = {o.state for o in old}
    skip = set(untouched)
    candidates = [n for n in new if n.state not in old_states and n.root not in skip]
    findings: list[Finding] = []
    for before in old:
        after = by_state.get(before.state)
        if after is not None:
            findings += compare_table(before, after)
            continue
        successor = _successor(before, candidates)
        findings.append(_moved(before, successor, out) if successor else _pruned(before, new, out))
    return findings


def compare_table(before: TableFacts, after: TableFacts) -> list[Finding]:
    """What one root's change does to its table: refusals first, then warnings."""
    found = (check(before, after) for check in REFUSALS + WARNINGS)
    return [f for f in found if f is not None]


# --- lost roots -----------------------------------------------------------------------------------------------------


def _successor(before: TableFacts, candidates: Sequence[TableFacts]) -> TableFacts | None:
    """The new root that takes over a lost root's table: the same table, else the same spec and environment."""
    tests: tuple[Callable[[TableFacts], bool], ...] = (
        lambda n: before.table_name is not None and (n.table_name, n.region) == (before.table_name, before.region),
        lambda n: n.env == before.env and (n.source == before.source or n.spec == before.spec),
    )
    for test in tests:
        match = next((n for n in candidates if test(n)), None)
        if match is not None:
            return match
    return None


def _moved(before: TableFacts, after: TableFacts, out: str) -> Finding:
    again = "again (it exists, so the apply fails)" if (after.table_name, after.region) == (
        before.table_name, before.region) else "as a second table"
    reason = (f"its Terraform state moves from {before.where_state(out)} to {after.where_state(out)}: Terraform "
              f"starts there from an empty state and creates table {after.table_name} {again}, while "
              f"{before.table_name} is left in the old state, no longer managed")
    fact = "state" if before.root == after.root else "name"
    return _finding(Severity.REFUSE, after, fact, reason, _moved_advice(before, after, out), before.table_name)


def _moved_advice(before: TableFacts, after: TableFacts, out: str) -> str:
    if before.root == after.root:
        return (f"keep the backend as it was, or render with --allow-destructive and run `terraform init "
                f"-migrate-state` in {out}/{before.root} before the next plan, so that the state moves too")
    if before.state[0] == "s3":
        keep = [f'table_name "{before.table_name}"'] if before.table_name != after.table_name else []
        keep.append(f'backend.s3.key "{before.state[2]}"')
        if after.state[0] == "s3" and after.state[1] != before.state[1]:
            keep.append(f'backend.s3.bucket "{before.state[1]}"')
        return (f"set table_name and backend.s3.key to keep the old ones ({', '.join(keep)}; {{env}} in them "
                f"stands for the environment)")
    return (f"render with --allow-destructive, then move the state file {out}/{before.state[1]} to "
            f"{out}/{after.root}/ (or `terraform state push` it to the new backend) "
            f"before the next plan")


def _pruned(before: TableFacts, new: Sequence[TableFacts], out: str) -> Finding:
    siblings = [n for n in new if n.source == before.source or n.spec == before.spec]
    whom = f"environment {before.env} is no longer in the spec" if siblings else f"the spec {before.source} is gone"
    reason = (f"{whom}, so {out}/{before.root} would be deleted and table {before.table_name} could no longer be "
              f"managed or destroyed from this repository")
    advice = (f"run terraform destroy in {out}/{before.root} first (or `terraform state rm` there, to keep the table "
              f"unmanaged), then render with --allow-destructive")
    if siblings:
        return _finding(Severity.REFUSE, siblings[0], "environments", reason, advice, before.table_name,
                        env=before.env)
    # Located on the root's main.tf: an annotation needs a file (GitHub cannot place one on a folder).
    return Finding(Severity.REFUSE, f"{out}/{before.root}/main.tf", None, None, before.spec, before.env,
                   before.table_name, reason, advice)


def _unreadable(error: UnreadableRoot, out: str) -> Finding:
    spec, _, env = error.root.partition("/envs/")
    return Finding(Severity.WARN, f"{out}/{error.root}", None, None, spec, env, None,
                   f"the earlier render cannot be read: {error.reason}",
                   "changes to this environment's table are not checked; review the plan of terraform itself")


# --- what replaces a table ------------------------------------------------------------------------------------------


def _table_name(before: TableFacts, after: TableFacts) -> Finding | None:
    if None in (before.table_name, after.table_name) or before.table_name == after.table_name:
        return None
    return _refuse(after, "table_name", before,
                   f"the table name changes from {before.table_name} to {after.table_name}: a new name forces a new "
                   f"table, so Terraform destroys {before.table_name} with every item and creates an empty one",
                   f'keep table_name resolving to "{before.table_name}" here, or copy the items first and render '
                   f"with --allow-destructive")


def _region(before: TableFacts, after: TableFacts) -> Finding | None:
    if None in (before.region, after.region) or before.region == after.region:
        return None
    return _refuse(after, "region", before,
                   f"the region changes from {before.region} to {after.region}: Terraform replaces the table with a "
                   f"new, empty one in {after.region}",
                   f"keep region {before.region}; to move the table, restore a backup in {after.region} first, then "
                   f"render with --allow-destructive")


def _keys(before: TableFacts, after: TableFacts) -> Finding | None:
    if before.hash_key is None or after.hash_key is None:
        return None  # an older module whose keys are not literals: nothing to compare
    pairs = (("hash", before.hash_key, after.hash_key), ("range", before.range_key, after.range_key))
    changed = [f"the {role} key changes from {_key(b)} to {_key(a)}" for role, b, a in pairs if _key_differs(b, a)]
    if not changed:
        return None
    fact = "hash_key" if changed[0].startswith("the hash") else "range_key"
    return _refuse(after, fact, before,
                   f"{' and '.join(changed)}: DynamoDB cannot change a table's keys, so the table must be replaced and "
                   f"every item is lost",
                   "create the new table from a new spec and copy the items across, or render with "
                   "--allow-destructive to replace it")


def _key_differs(before: Key | None, after: Key | None) -> bool:
    if before is None or after is None:
        return before != after
    return before[0] != after[0] or None not in (before[1], after[1]) and before[1] != after[1]


def _key(key: Key | None) -> str:
    return "none" if key is None else f"{key[0]} ({key[1]})" if key[1] else key[0]


def _local_indexes(before: TableFacts, after: TableFacts) -> Finding | None:
    if before.local_indexes is None or after.local_indexes is None or before.local_indexes == after.local_indexes:
        return None
    return _refuse(after, "local_indexes", before,
                   f"the local secondary indexes change ({_index_changes(before.local_indexes, after.local_indexes)}):"
                   f" DynamoDB creates them only with the table, so Terraform replaces it and every item is lost",
                   "create the new table from a new spec and copy the items across, or render with "
                   "--allow-destructive to replace it")


def _index_changes(before: tuple[IndexShape, ...], after: tuple[IndexShape, ...]) -> str:
    old, new = {i[0]: i for i in before}, {i[0]: i for i in after}
    parts = [f"{word} {', '.join(sorted(names))}" for word, names in (
        ("added", new.keys() - old.keys()),
        ("removed", old.keys() - new.keys()),
        ("changed", {n for n in old.keys() & new.keys() if old[n] != new[n]}),
    ) if names]
    return "; ".join(parts)


REFUSALS = (_table_name, _region, _keys, _local_indexes)


# --- what Terraform ignores, and other surprises --------------------------------------------------------------------


def _autoscaling_switch(before: TableFacts, after: TableFacts) -> Finding | None:
    """The table keeps its capacity across the move to the autoscaled resource, which ignores capacity: from on
    demand that is 0 (AWS then sets 1 unit) until autoscaling reaches its minimum."""
    if before.autoscaled or not after.autoscaled:
        return None
    old = {name: (r, w) for name, r, w in before.capacity} if before.billing_mode == "PROVISIONED" else {}
    short = [(name, old.get(name, (0, 0)), (r, w)) for name, r, w in after.capacity
             if _below(old.get(name, (0, 0)), (r, w))]
    if not short:
        return None
    name, (old_read, old_write), (read, write) = short[0]
    what = "the table" if not name else f"index {name}"
    kept = ("its on-demand capacity of 0 (AWS sets 1 unit)" if before.billing_mode != "PROVISIONED"
            else f"{old_read} read and {old_write} write units")
    return _warn(after, "autoscaling", before,
                 f"autoscaling is switched on, and Terraform ignores the capacity of an autoscaled table: {what} keeps "
                 f"{kept} instead of the spec's {read} read and {write} write units until autoscaling raises it, and a "
                 f"busy table throttles meanwhile", SAFE_AUTOSCALING)


def _below(old: tuple[object, object], new: tuple[object, object]) -> bool:
    return any(isinstance(n, int) and (not isinstance(o, int) or o < n) for o, n in zip(old, new))


def _ignored_capacity(before: TableFacts, after: TableFacts) -> Finding | None:
    if not (before.autoscaled and after.autoscaled):
        return None
    old, new = dict((n, (r, w)) for n, r, w in before.capacity), dict((n, (r, w)) for n, r, w in after.capacity)
    names = [n for n in sorted(old.keys() & new.keys()) if old[n] != new[n] and (n == "" or after.indexes_ignored)]
    if not names:
        return None
    what = ", ".join("the table" if not n else f"index {n}" for n in names)
    return _warn(after, "capacity", before,
                 f"the provisioned capacity of {what} changes while autoscaling owns it: Terraform ignores the change "
                 f"(ignore_changes)",
                 "change autoscaling's min_capacity/max_capacity instead; to set the capacity itself, switch "
                 "autoscaling off, apply, then switch it on again")


def _ignored_indexes(before: TableFacts, after: TableFacts) -> Finding | None:
    if not after.indexes_ignored or None in (before.global_indexes, after.global_indexes):
        return None
    if before.global_indexes == after.global_indexes:
        return None
    assert before.global_indexes is not None and after.global_indexes is not None
    return _warn(after, "global_indexes", before,
                 f"the global secondary indexes change ({_index_changes(before.global_indexes, after.global_indexes)})"
                 f" where they autoscale: Terraform ignores the change (ignore_changes) and only its check block "
                 f"reports it; an index on a new attribute makes the AWS provider refuse the plan (\"all attributes "
                 f"must be indexed\")",
                 "raise read_capacity/write_capacity to the current load, switch autoscaling off and apply (the table "
                 "gets its indexes), then switch autoscaling on again (module README)")


def _ignored_import(before: TableFacts, after: TableFacts) -> Finding | None:
    if after.import_from_s3 is None or before.import_from_s3 == after.import_from_s3:
        return None
    return _warn(after, "import_from_s3", before,
                 "import_from_s3 changes after the table was created: Terraform ignores it (an import only acts when "
                 "a table is created)",
                 "load the data with DynamoDB's own import into a new table, or leave import_from_s3 as it was")


def _protection_off(before: TableFacts, after: TableFacts) -> Finding | None:
    if not (before.deletion_protection is True and after.deletion_protection is False):
        return None
    return _warn(after, "deletion_protection", before,
                 "deletion protection is turned off: DeleteTable (and terraform destroy) can now delete the table",
                 "keep deletion_protection: true unless the table is meant to go")


def _prevent_destroy_off(before: TableFacts, after: TableFacts) -> Finding | None:
    if not (before.prevent_destroy is True and after.prevent_destroy is False):
        return None
    return _warn(after, "prevent_destroy", before,
                 "lifecycle.prevent_destroy is turned off: Terraform may now plan to destroy or replace the table",
                 "keep lifecycle.prevent_destroy: true unless the table is meant to go")


def _to_on_demand(before: TableFacts, after: TableFacts) -> Finding | None:
    if not (before.billing_mode == "PROVISIONED" and after.billing_mode == "PAY_PER_REQUEST"):
        return None
    return _warn(after, "billing_mode", before,
                 "billing switches from PROVISIONED to PAY_PER_REQUEST: DynamoDB allows this at most four times in a "
                 "rolling 24 hours, and the switch takes several minutes",
                 "apply it once; do not switch back and forth")


def _table_class(before: TableFacts, after: TableFacts) -> Finding | None:
    if None in (before.table_class, after.table_class) or before.table_class == after.table_class:
        return None
    return _warn(after, "table_class", before,
                 f"the table class changes from {before.table_class} to {after.table_class}: DynamoDB limits how "
                 f"often a table's class may change",
                 "apply it once; do not switch back and forth")


def _stream(before: TableFacts, after: TableFacts) -> Finding | None:
    if before.stream is None or before.stream == after.stream:
        return None
    if after.stream is None:
        what = "the stream is turned off"
    else:
        what = (f"the stream's view type changes from {before.stream} to {after.stream}, which DynamoDB does by "
                f"ending the stream and starting one with a new ARN")
    return _warn(after, "stream", before,
                 f"{what}: consumers of the current stream (Lambda triggers, pipes) stop receiving changes",
                 "point every consumer at the table's stream_arn output after the apply")


def _replicas_removed(before: TableFacts, after: TableFacts) -> Finding | None:
    removed = sorted(set(before.replica_regions) - set(after.replica_regions))
    if not removed:
        return None
    return _warn(after, "replicas", before,
                 f"the replica in {', '.join(removed)} is removed: DynamoDB deletes that region's copy of the table, "
                 f"and its readers there lose it",
                 "move the readers in that region to another replica first")


def _created_key_destroyed(before: TableFacts, after: TableFacts) -> Finding | None:
    if not before.created_key or after.created_key:
        return None
    return _warn(after, "encryption", before,
                 "the table no longer uses the KMS key dyngen created for it: Terraform destroys the key and its "
                 "alias, and KMS deletes the key after kms_deletion_window_days; backups and exports encrypted "
                 "under it can no longer be read then",
                 "keep create_kms_key until the backups made under the key have expired, or restore what you need "
                 "from them first")


WARNINGS = (_autoscaling_switch, _ignored_capacity, _ignored_indexes, _ignored_import, _protection_off,
            _prevent_destroy_off, _to_on_demand, _table_class, _stream, _replicas_removed, _created_key_destroyed)


# --- building findings ----------------------------------------------------------------------------------------------


def _refuse(after: TableFacts, fact: str, before: TableFacts, reason: str, advice: str) -> Finding:
    return _finding(Severity.REFUSE, after, fact, reason, advice, before.table_name)


def _warn(after: TableFacts, fact: str, before: TableFacts, reason: str, advice: str) -> Finding:
    return _finding(Severity.WARN, after, fact, reason, advice, after.table_name or before.table_name)


def _finding(severity: Severity, where: TableFacts, fact: str, reason: str, advice: str, table: str | None,
             env: str | None = None) -> Finding:
    line, column = where.position(fact, "environments") or (None, None)
    return Finding(severity, where.file, line, column, where.spec, env or where.env, table, reason, advice)
