"""The AWS CLI's JSON documents about tables (describe-table and the documents given alongside it), recognised by
their top-level key and grouped by table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyngen.errors import Problem

# Top-level key -> what the document is; the AWS CLI command that writes it is in the README.
KINDS = {
    "Table": "table",  # aws dynamodb describe-table
    "TimeToLiveDescription": "ttl",  # aws dynamodb describe-time-to-live
    "ContinuousBackupsDescription": "backups",  # aws dynamodb describe-continuous-backups
    "ContributorInsightsStatus": "insights",  # aws dynamodb describe-contributor-insights
    "Tags": "tags",  # aws dynamodb list-tags-of-resource
    "ScalableTargets": "targets",  # aws application-autoscaling describe-scalable-targets
    "ScalingPolicies": "policies",  # aws application-autoscaling describe-scaling-policies
    "KeyMetadata": "key",  # aws kms describe-key
    "KinesisDataStreamDestinations": "kinesis",  # aws dynamodb describe-kinesis-streaming-destination
    "Policy": "policy",  # aws dynamodb get-resource-policy
}
# Read, but a spec cannot say them: a warning names what is not imported.
NOT_IMPORTED = {"kinesis": "Kinesis streaming destinations", "policy": "a resource-based policy"}
# What Terraform says of a replica and describe-table does not: keys of dyngen's own, never in an AWS document.
REPLICA_RECOVERY = "dyngen:PointInTimeRecovery"
REPLICA_TAGS = "dyngen:PropagateTags"
REPLICA_DELETION_PROTECTION = "dyngen:DeletionProtectionEnabled"
# Documents that do not name their table belong to the describe-table beside them.
UNNAMED = ("ttl", "backups", "tags", "policy")


@dataclass
class TableDocuments:
    """Everything the sources say about one table; None where the document was not given."""

    table: dict[str, Any]
    files: list[str]
    ttl: dict[str, Any] | None = None
    backups: dict[str, Any] | None = None
    insights: dict[str, Any] | None = None
    tags: list[dict[str, Any]] | None = None
    targets: list[dict[str, Any]] | None = None
    policies: list[dict[str, Any]] | None = None
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # KeyMetadata by key ARN
    not_imported: list[tuple[str, str]] = field(default_factory=list)  # (file, what a spec cannot say)

    @property
    def name(self) -> str:
        return str(self.table["TableName"])


UNKNOWN = "not an AWS CLI document that dyngen imports"


@dataclass(frozen=True)
class Loaded:
    file: str
    kind: str
    body: Any


def load(path: Path, display: str) -> tuple[Loaded | None, Problem | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, Problem(display, 0, 0, f"cannot read the file: {error.strerror or error}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line, column = getattr(error, "lineno", 0), getattr(error, "colno", 0)
        return None, Problem(display, line, column, f"not JSON: {getattr(error, 'msg', error)}")
    kinds = [key for key in (data if isinstance(data, dict) else {}) if key in KINDS]
    if not kinds:
        found = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
        known = ", ".join(KINDS)
        return None, Problem(display, 1, 1, f"{UNKNOWN} (top-level: {found}; expected one of {known})")
    kind = KINDS[kinds[0]]
    body = data if kind in ("insights", "kinesis") else data[kinds[0]]
    return Loaded(display, kind, body), None


def group(loaded: list[Loaded]) -> tuple[list[TableDocuments], list[Problem]]:
    """One TableDocuments per describe-table, with what belongs to it: by table name where the document names it,
    else the describe-table of the same folder (or the only one given)."""
    tables: dict[str, TableDocuments] = {}
    for doc in (d for d in loaded if d.kind == "table"):
        name = doc.body.get("TableName")
        if not isinstance(name, str):
            return [], [Problem(doc.file, 1, 1, "describe-table document without Table.TableName")]
        tables.setdefault(name, TableDocuments(doc.body, [doc.file]))
    problems: list[Problem] = []
    keys = {k.body.get("Arn"): k.body for k in loaded if k.kind == "key"}
    for table in tables.values():
        table.keys = keys
    for doc in (d for d in loaded if d.kind not in ("table", "key")):
        problems += _attach(doc, tables, loaded)
    return list(tables.values()), problems


def _attach(doc: Loaded, tables: dict[str, TableDocuments], loaded: list[Loaded]) -> list[Problem]:
    if doc.kind in ("targets", "policies"):
        for table in tables.values():
            mine = [item for item in doc.body or [] if _belongs(item, table.name)]
            setattr(table, doc.kind, (getattr(table, doc.kind) or []) + mine)
            table.files.append(doc.file)
        return []
    if doc.kind == "kinesis":
        named = tables.get(doc.body.get("TableName"))
        if named is not None and doc.body.get("KinesisDataStreamDestinations"):
            named.not_imported.append((doc.file, NOT_IMPORTED["kinesis"]))
        return []
    if doc.kind == "insights":
        named = tables.get(doc.body.get("TableName"))
        if named is not None and not doc.body.get("IndexName"):
            named.insights = doc.body
            named.files.append(doc.file)
        return []
    beside = _beside(doc, tables, loaded)
    if beside is None:
        return [Problem(doc.file, 1, 1, "cannot tell which table this document is about: put it in the folder of "
                                        "its table's describe-table document, one table per folder")]
    if doc.kind in NOT_IMPORTED:
        beside.not_imported += [(doc.file, NOT_IMPORTED[doc.kind])] if doc.body else []
        return []
    setattr(beside, doc.kind, doc.body)
    beside.files.append(doc.file)
    return []


def _beside(doc: Loaded, tables: dict[str, TableDocuments], loaded: list[Loaded]) -> TableDocuments | None:
    folder = Path(doc.file).parent
    same_folder = [d for d in loaded if d.kind == "table" and Path(d.file).parent == folder]
    if len(same_folder) == 1:
        return tables.get(same_folder[0].body.get("TableName"))
    return next(iter(tables.values())) if len(tables) == 1 else None


def _belongs(item: dict[str, Any], table: str) -> bool:
    resource = str(item.get("ResourceId", ""))
    return item.get("ServiceNamespace") == "dynamodb" and (
        resource == f"table/{table}" or resource.startswith(f"table/{table}/index/"))

