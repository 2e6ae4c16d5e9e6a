"""Tables from Terraform files: every `aws_dynamodb_table` of a folder, with the `aws_appautoscaling_target` and
`aws_appautoscaling_policy` resources that point at it, read as the AWS documents that describe the same table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from dyngen.errors import FieldPath, Problem
from dyngen.importer.aws_documents import (
    REPLICA_DELETION_PROTECTION,
    REPLICA_RECOVERY,
    REPLICA_TAGS,
    TableDocuments,
)
from dyngen.importer.aws_mapping import draft_from_aws
from dyngen.importer.draft import Draft
from dyngen.importer.hcl_values import (
    Scope,
    Unresolved,
    has_unresolved,
    is_meta,
    label,
    resolve,
)

TABLE = "aws_dynamodb_table"
TARGET = "aws_appautoscaling_target"
POLICY = "aws_appautoscaling_policy"
# Arguments of aws_dynamodb_table that a spec cannot say; named in a warning when a table sets them.
NOT_IMPORTED = ("import_table", "restore_date_time", "restore_source_name", "restore_source_table_arn",
                "restore_to_latest_time", "global_table_witness", "warm_throughput", "timeouts")


# Where a block's argument goes in the spec, for the TODO comment of an unresolved one.
SPEC_BLOCKS = ("encryption", "ttl", "point_in_time_recovery", "on_demand_throughput")
SPEC_KEYS = {"kms_key_arn": "kms_key_arn", "enabled": "enabled", "attribute_name": "attribute_name",
             "recovery_period_in_days": "recovery_period_days", "max_read_request_units": "max_read_request_units",
             "max_write_request_units": "max_write_request_units"}


Block = tuple[dict[str, Any], Scope, tuple[str, ...]]  # a block's raw body, its scope, where it is written


@dataclass
class Resource:
    type: str
    name: str
    file: str
    text: str
    body: dict[str, Any]


@dataclass
class Folder:
    resources: dict[str, Resource] = field(default_factory=dict)  # by `type.name`
    scope: Scope = field(default_factory=Scope)
    region: Any = None


def drafts_from_terraform(files: list[tuple[Path, str]], env: str) -> tuple[list[Draft], list[Problem]]:
    """One draft per aws_dynamodb_table of one folder's files."""
    folder, problems = _read_folder(files)
    drafts = [TableReader(r, folder, env).draft() for r in folder.resources.values() if r.type == TABLE]
    return [d for d in drafts if isinstance(d, Draft)], problems + [d for d in drafts if isinstance(d, Problem)]


def table_documents(files: list[tuple[Path, str]], env: str = "prod") -> list[TableDocuments]:
    """What the folder's tables would look like to the AWS CLI (e.g. to write tf-plan import fixtures)."""
    folder, _ = _read_folder(files)
    found = []
    for resource in (r for r in folder.resources.values() if r.type == TABLE):
        reader = TableReader(resource, folder, env)
        name, hash_key = reader.value("name", ("table_name",)), reader.value("hash_key", ("hash_key",))
        if isinstance(name, str) and isinstance(hash_key, str):
            found.append(reader.documents(name, hash_key))
    return found


def _read_folder(files: list[tuple[Path, str]]) -> tuple[Folder, list[Problem]]:
    folder, problems = Folder(), []
    variables: dict[str, Any] = {}
    locals_: dict[str, Any] = {}
    provider_region = None
    for path, display in files:
        try:
            text = path.read_text(encoding="utf-8")
            parsed = hcl2.loads(text)
        except OSError as error:
            problems.append(Problem(display, 0, 0, f"cannot read the file: {error.strerror or error}"))
            continue
        except Exception as error:  # noqa: BLE001 - python-hcl2 raises lark errors of many kinds
            line, column = getattr(error, "line", 0) or 0, getattr(error, "column", 0) or 0
            problems.append(Problem(display, line, column, f"not valid HCL: {str(error).splitlines()[0]}"))
            continue
        for block in parsed.get("variable", []):
            for name, body in block.items():
                if not is_meta(name) and "default" in body:
                    variables[label(name)] = resolve(body["default"], Scope())
        for block in parsed.get("locals", []):
            locals_.update({k: v for k, v in block.items() if not is_meta(k)})
        for block in parsed.get("provider", []):
            for name, body in block.items():
                if label(name) == "aws" and "alias" not in body and "region" in body:
                    provider_region = body["region"]
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    if not is_meta(name):
                        resource = Resource(label(kind), label(name), display, text, body)
                        folder.resources[f"{resource.type}.{resource.name}"] = resource
    folder.scope = Scope(variables, locals_, {k: r.body for k, r in folder.resources.items()})
    folder.region = resolve(provider_region, folder.scope) if provider_region is not None else None
    return folder, problems


class TableReader:
    """Reads one aws_dynamodb_table: each argument resolved or, when it cannot be, a located warning and a TODO
    at the spec key it would have given."""

    def __init__(self, resource: Resource, folder: Folder, env: str) -> None:
        self.resource, self.folder, self.env = resource, folder, env
        self.todos: dict[FieldPath, str] = {}
        self.warnings: list[tuple[tuple[str, ...], str]] = []

    # --- values --------------------------------------------------------------------------------------------------

    def value(self, name: str, spec_key: FieldPath, body: dict[str, Any] | None = None,
              where: tuple[str, ...] = (), scope: Scope | None = None) -> Any:
        raw = (self.resource.body if body is None else body).get(name)
        found = resolve(raw, scope or self.folder.scope)
        problem = has_unresolved(found)
        if problem:
            self.unresolved(where + (name,), spec_key, problem)
            return None
        return found

    def unresolved(self, where: tuple[str, ...], spec_key: FieldPath, problem: Unresolved) -> None:
        note = f"`{problem.expression}`: {problem.reason}"
        self.warnings.append((where, f"{'.'.join(where)} = {note}; left out of the spec (TODO)"))
        self.todos[spec_key] = f"{'.'.join(where)} = {note}"

    def blocks(self, name: str, spec_key: FieldPath) -> list[Block]:
        """Static blocks and the blocks a `dynamic` block makes, each with the scope to read its arguments in."""
        found: list[Block] = [
            (b, self.folder.scope, (name,)) for b in self.resource.body.get(name, [])]
        for dynamic in self.resource.body.get("dynamic", []):
            for block_name, spec in dynamic.items():
                if label(block_name) == name:
                    found += self._expand(name, spec, spec_key)
        return found

    def _expand(self, name: str, dynamic: dict[str, Any], spec_key: FieldPath) -> list[Block]:
        items = resolve(dynamic.get("for_each"), self.folder.scope)
        if has_unresolved(items) or not isinstance(items, (list, dict)):
            problem = has_unresolved(items) or Unresolved(str(dynamic.get("for_each")), "not a list or map")
            self.unresolved(("dynamic", name, "for_each"), spec_key, problem)
            return []
        iterator = resolve(dynamic.get("iterator", name), Scope()) if "iterator" in dynamic else name
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        content = (dynamic.get("content") or [{}])[0]
        where = ("dynamic", name, "content")
        return [(content, self.folder.scope.with_iterator(iterator, k, v), where) for k, v in pairs]

    # --- the table -----------------------------------------------------------------------------------------------

    def draft(self) -> Draft | Problem:
        name = self.value("name", ("table_name",))
        hash_key = self.value("hash_key", ("hash_key",))
        if not isinstance(name, str) or not isinstance(hash_key, str):
            line, column = self.locate(("name",) if not isinstance(name, str) else ("hash_key",))
            what = "name" if not isinstance(name, str) else "hash_key"
            return Problem(self.resource.file, line, column,
                           f"{TABLE}.{self.resource.name}: its {what} cannot be resolved; a spec needs it")
        docs = self.documents(name, hash_key)
        draft = draft_from_aws(docs, self.env)
        draft.source = f"{self.resource.file}, resource {TABLE}.{self.resource.name}"
        draft.todos.update(self.todos)
        self._drop_unindexed_attributes(draft)
        for (line, column), message in sorted((self.locate(where), message) for where, message in self.warnings):
            draft.warn(message, line, column, file=self.resource.file)
        for argument in NOT_IMPORTED:
            if argument in self.resource.body and argument != "timeouts":
                draft.warn(f"`{argument}` is not something a spec says; not imported", *self.locate((argument,)),
                           file=self.resource.file)
        return draft

    def _drop_unindexed_attributes(self, draft: Draft) -> None:
        """Indexes that could not be read leave attribute definitions that no key uses, which DynamoDB (and so
        validation) refuses: they go into the indexes' TODO instead."""
        indexes: list[FieldPath] = [("global_secondary_indexes",), ("local_secondary_indexes",)]
        todo_key = next((k for k in indexes if k in draft.todos), None)
        if todo_key is None:
            return
        document = draft.document
        used = {document.get("hash_key"), document.get("range_key")}
        for index in document.get("global_secondary_indexes", []) + document.get("local_secondary_indexes", []):
            used |= {index.get("hash_key"), index.get("range_key")}
        unused = {k: v for k, v in document["attributes"].items() if k not in used}
        if unused:
            document["attributes"] = {k: v for k, v in document["attributes"].items() if k in used}
            draft.todos[todo_key] += f"; their key attributes: {unused}"

    def env_key(self, *path: str | int) -> FieldPath:
        return ("environments", self.env, *path)

    def documents(self, name: str, hash_key: str) -> TableDocuments:
        sse = self.first_block("server_side_encryption", "encryption")
        ttl = self.first_block("ttl", "ttl")
        pitr = self.first_block("point_in_time_recovery", "point_in_time_recovery")
        table = self.table_description(name, hash_key)
        if sse.get("enabled"):
            table["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": sse.get("kms_key_arn")}
        targets, policies = self._autoscaling(name)
        return TableDocuments(
            table, [self.resource.file],
            ttl={"TimeToLiveStatus": _status(ttl), "AttributeName": ttl.get("attribute_name")},
            backups={"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": _status(pitr),
                                                        "RecoveryPeriodInDays": pitr.get("recovery_period_in_days")}},
            tags=[{"Key": k, "Value": v} for k, v in (self.env_value("tags", "tags") or {}).items()],
            targets=targets, policies=policies,
            # a key named in Terraform is one the user manages; the AWS-managed key is never named there
            keys={arn: {"Arn": arn, "KeyManager": "CUSTOMER"} for arn in [sse.get("kms_key_arn")] if arn},
        )

    def table_description(self, name: str, hash_key: str) -> dict[str, Any]:
        """What describe-table would say, from the resource's arguments and blocks."""
        region = self.folder.region if isinstance(self.folder.region, str) else None
        return {
            "TableName": name,
            "TableArn": f"arn:aws:dynamodb:{region or ''}:000000000000:table/{name}",
            "KeySchema": _key_schema(hash_key, self.value("range_key", ("range_key",))),
            "AttributeDefinitions": [{"AttributeName": a.get("name"), "AttributeType": a.get("type")}
                                     for a in self._resolved_blocks("attribute", ("attributes",))],
            "BillingModeSummary": {"BillingMode": self.env_value("billing_mode", "billing_mode") or "PROVISIONED"},
            "ProvisionedThroughput": {"ReadCapacityUnits": self.env_value("read_capacity", "read_capacity"),
                                      "WriteCapacityUnits": self.env_value("write_capacity", "write_capacity")},
            "GlobalSecondaryIndexes": [_global_index(i) for i in self._resolved_blocks(
                "global_secondary_index", ("global_secondary_indexes",))],
            "LocalSecondaryIndexes": [_local_index(i, hash_key) for i in self._resolved_blocks(
                "local_secondary_index", ("local_secondary_indexes",))],
            "StreamSpecification": {"StreamEnabled": bool(self.env_value("stream_enabled", "stream")),
                                    "StreamViewType": self.env_value("stream_view_type", "stream", "view_type")},
            "TableClassSummary": {"TableClass": self.env_value("table_class", "table_class") or "STANDARD"},
            "DeletionProtectionEnabled": bool(self.env_value("deletion_protection_enabled", "deletion_protection")),
            "Replicas": [_replica(r) for r in self._resolved_blocks("replica", self.env_key("replicas"))],
            "OnDemandThroughput": _on_demand(self.first_block("on_demand_throughput", "on_demand_throughput")),
        }

    def env_value(self, argument: str, *spec_key: str) -> Any:
        return self.value(argument, self.env_key(*spec_key))

    def first_block(self, name: str, spec_key: str) -> dict[str, Any]:
        return (self._resolved_blocks(name, self.env_key(spec_key)) or [{}])[0]

    def _resolved_blocks(self, name: str, spec_key: FieldPath) -> list[dict[str, Any]]:
        found = []
        for body, scope, where in self.blocks(name, spec_key):
            values = {}
            for argument in (k for k in body if not is_meta(k)):
                inner = argument in SPEC_KEYS and spec_key[-1] in SPEC_BLOCKS
                values[argument] = self.value(argument, spec_key + ((SPEC_KEYS[argument],) if inner else ()), body,
                                              where, scope)
            found.append(values)
        return found

    def _autoscaling(self, name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Targets and policies whose resource id (literal or by reference) is this table or one of its indexes."""
        targets, policies = [], []
        for resource in self.folder.resources.values():
            if resource.type not in (TARGET, POLICY):
                continue
            values = {k: resolve(v, self.folder.scope) for k, v in resource.body.items() if not is_meta(k)}
            resource_id = values.get("resource_id")
            if resource_id != f"table/{name}" and not str(resource_id).startswith(f"table/{name}/index/"):
                continue
            common = {"ServiceNamespace": values.get("service_namespace"), "ResourceId": resource_id,
                      "ScalableDimension": values.get("scalable_dimension")}
            if resource.type == TARGET:
                targets.append(common | {"MinCapacity": values.get("min_capacity"),
                                         "MaxCapacity": values.get("max_capacity")})
            else:
                policies.append(common | {"PolicyName": values.get("name"), "PolicyType": values.get("policy_type"),
                                          "TargetTrackingScalingPolicyConfiguration": _tracking(values)})
        return targets, policies

    # --- positions -----------------------------------------------------------------------------------------------

    def locate(self, where: tuple[str, ...]) -> tuple[int, int]:
        """python-hcl2 8 gives no positions: the resource's header is found in the text, then each name of `where`
        in turn after it (`name =`, `name {` or `dynamic "name"`); the last one found is the position."""
        text = self.resource.text
        header = re.search(rf'resource\s+"{re.escape(self.resource.type)}"\s+"{re.escape(self.resource.name)}"', text)
        position = header.start() if header else 0
        for name in where:
            found = re.compile(rf'(?m)^[ \t]*((?:dynamic\s+")?{re.escape(name)}"?\s*[={{])').search(text, position)
            if found:
                position = found.start(1)
        line = text.count("\n", 0, position) + 1
        return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _key_schema(hash_key: Any, range_key: Any) -> list[dict[str, Any]]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    return keys + ([{"AttributeName": range_key, "KeyType": "RANGE"}] if range_key else [])


def _projection(index: dict[str, Any]) -> dict[str, Any]:
    projection = {"ProjectionType": index.get("projection_type")}
    if index.get("non_key_attributes"):
        projection["NonKeyAttributes"] = list(index["non_key_attributes"])
    return projection


def _global_index(index: dict[str, Any]) -> dict[str, Any]:
    return {"IndexName": index.get("name"), "KeySchema": _key_schema(index.get("hash_key"), index.get("range_key")),
            "Projection": _projection(index),
            "ProvisionedThroughput": {"ReadCapacityUnits": index.get("read_capacity"),
                                      "WriteCapacityUnits": index.get("write_capacity")}}


def _local_index(index: dict[str, Any], hash_key: str) -> dict[str, Any]:
    return {"IndexName": index.get("name"), "KeySchema": _key_schema(hash_key, index.get("range_key")),
            "Projection": _projection(index)}


def _status(block: dict[str, Any]) -> str:
    return "ENABLED" if block.get("enabled") else "DISABLED"


def _replica(replica: dict[str, Any]) -> dict[str, Any]:
    return {"RegionName": replica.get("region_name"), "KMSMasterKeyId": replica.get("kms_key_arn"),
            REPLICA_RECOVERY: bool(replica.get("point_in_time_recovery")),
            REPLICA_TAGS: bool(replica.get("propagate_tags")),
            REPLICA_DELETION_PROTECTION: bool(replica.get("deletion_protection_enabled"))}


def _on_demand(given: dict[str, Any]) -> dict[str, Any]:
    return {"MaxReadRequestUnits": given.get("max_read_request_units"),
            "MaxWriteRequestUnits": given.get("max_write_request_units")}


def _tracking(values: dict[str, Any]) -> dict[str, Any]:
    config = (values.get("target_tracking_scaling_policy_configuration") or [{}])[0]
    metric = (config.get("predefined_metric_specification") or [{}])[0]
    return {"TargetValue": config.get("target_value"), "ScaleInCooldown": config.get("scale_in_cooldown", 0),
            "ScaleOutCooldown": config.get("scale_out_cooldown", 0),
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric.get("predefined_metric_type")}}
