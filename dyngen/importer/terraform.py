"""Tables from Terraform files: every `aws_dynamodb_table` of a folder, with the `aws_appautoscaling_target` and
`aws_appautoscaling_policy` resources that point at it, read as the AWS documents that describe the same table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from dyngen.errors import FieldPath, Problem
from dyngen.importer.aws_documents import REPLICA_RECOVERY, REPLICA_TAGS, TableDocuments
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
    return [d for d in drafts if isinstance(d, Draft)], problems + [p for d in drafts if isinstance(d, Problem) for p in [d]]


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

    def blocks(self, name: str, spec_key: FieldPath) -> list[tuple[dict[str, Any], Scope, tuple[str, ...]]]:
        """Static blocks and the blocks a `dynamic` block makes, each with the scope to read its arguments in."""
        found: list[tuple[dict[str, Any], Scope, tuple[str, ...]]] = [
            (b, self.folder.scope, (name,)) for b in self.resource.body.get(name, [])]
        for dynamic in self.resource.body.get("dynamic", []):
            for block_name, spec in dynamic.items():
                if label(block_name) == name:
                    found += self._expand(name, spec, spec_key)
        return found

    def _expand(self, name: str, dynamic: dict[str, Any], spec_key: FieldPath) -> list[tuple[dict[str, Any], Scope, tuple[str, ...]]]:
        items = resolve(dynamic.get("for_each"), self.folder.scope)
        if has_unresolved(items) or not isinstance(items, (list, dict)):
            problem = has_unresolved(items) or Unresolved(str(dynamic.get("for_each")), "not a list or map")
            self.unresolved(("dynamic", name, "for_each"), spec_key, problem)
            return []
        iterator = resolve(dynamic.get("iterator", name), Scope()) if "iterator" in dynamic else name
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        content = (dynamic.get("content") or [{}])[0]
        return [(content, self.folder.scope.with_iterator(iterator, k, v), ("dynamic", name, "content")) for k, v in pairs]

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
        for where, message in self.warnings:
            draft.warn(message, *self.locate(where), file=self.resource.file)
        for argument in NOT_IMPORTED:
            if argument in self.resource.body and argument != "timeouts":
                draft.warn(f"`{argument}` is not something a spec says; not imported", *self.locate((argument,)),
                           file=self.resource.file)
        return draft

    def _drop_unindexed_attributes(self, draft: Draft) -> None:
        """Indexes that could not be read leave attribute definitions that no key uses, which DynamoDB (and so
        validation) refuses: they go into the indexes' TODO instead."""
        todo_key = next((k for k in (("global_secondary_indexes",), ("local_secondary_indexes",)) if k in draft.todos), None)
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
        range_key = self.value("range_key", ("range_key",))
        billing = self.value("billing_mode", self.env_key("billing_mode")) or "PROVISIONED"
        region = self.folder.region if isinstance(self.folder.region, str) else None
        table: dict[str, Any] = {
            "TableName": name,
            "TableArn": f"arn:aws:dynamodb:{region or ''}:000000000000:table/{name}",
            "KeySchema": _key_schema(hash_key, range_key),
            "AttributeDefinitions": [{"AttributeName": a.get("name"), "AttributeType": a.get("type")}
                                     for a in self._resolved_blocks("attribute", ("attributes",))],
            "BillingModeSummary": {"BillingMode": billing},
            "ProvisionedThroughput": {"ReadCapacityUnits": self.value("read_capacity", self.env_key("read_capacity")),
                                      "WriteCapacityUnits": self.value("write_capacity", self.env_key("write_capacity"))},
            "GlobalSecondaryIndexes": [_global_index(i) for i in self._resolved_blocks("global_secondary_index", ("global_secondary_indexes",))],
            "LocalSecondaryIndexes": [_local_index(i, hash_key) for i in self._resolved_blocks("local_secondary_index", ("local_secondary_indexes",))],
            "StreamSpecification": {"StreamEnabled": bool(self.value("stream_enabled", self.env_key("stream"))),
                                    "StreamViewType": self.value("stream_view_type", self.env_key("stream", "view_type"))},
            "TableClassSummary": {"TableClass": self.value("table_class", self.env_key("table_class")) or "STANDARD"},
            "DeletionProtectionEnabled": bool(self.value("deletion_protection_enabled", self.env_key("deletion_protection"))),
            "Replicas": [{"RegionName": r.get("region_name"), "KMSMasterKeyId": r.get("kms_key_arn"),
                          REPLICA_RECOVERY: bool(r.get("point_in_time_recovery")),
                          REPLICA_TAGS: bool(r.get("propagate_tags"))}
                         for r in self._resolved_blocks("replica", self.env_key("replicas"))],
            "OnDemandThroughput": _on_demand(self._resolved_blocks("on_demand_throughput", self.env_key("on_demand_throughput"))),
        }
        sse = (self._resolved_blocks("server_side_encryption", self.env_key("encryption")) or [{}])[0]
        if sse.get("enabled"):
            table["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": sse.get("kms_key_arn")}
        keys = {arn: {"Arn": arn, "KeyManager": "CUSTOMER"} for arn in [sse.get("kms_key_arn")] if arn}
        ttl = (self._resolved_blocks("ttl", self.env_key("ttl")) or [{}])[0]
        pitr = (self._resolved_blocks("point_in_time_recovery", self.env_key("point_in_time_recovery")) or [{}])[0]
        tags = self.value("tags", self.env_key("tags")) or {}
        targets, policies = self._autoscaling(name)
        return TableDocuments(
            table, [self.resource.file],
            ttl={"TimeToLiveStatus": "ENABLED" if ttl.get("enabled") else "DISABLED", "AttributeName": ttl.get("attribute_name")},
            backups={"PointInTimeRecoveryDescription": {
                "PointInTimeRecoveryStatus": "ENABLED" if pitr.get("enabled") else "DISABLED",
                "RecoveryPeriodInDays": pitr.get("recovery_period_in_days")}},
            tags=[{"Key": k, "Value": v} for k, v in tags.items()],
            targets=targets, policies=policies, keys=keys,
        )

    def _resolved_blocks(self, name: str, spec_key: FieldPath) -> list[dict[str, Any]]:
        found = []
        for body, scope, where in self.blocks(name, spec_key):
            values = {}
            for argument in (k for k in body if not is_meta(k)):
                key = spec_key + (SPEC_KEYS[argument],) if argument in SPEC_KEYS and spec_key[-1] in SPEC_BLOCKS else spec_key
                values[argument] = self.value(argument, key, body, where, scope)
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
            if not isinstance(resource_id, str) or not (resource_id == f"table/{name}" or resource_id.startswith(f"table/{name}/index/")):
                continue
            common = {"ServiceNamespace": values.get("service_namespace"), "ResourceId": resource_id,
                      "ScalableDimension": values.get("scalable_dimension")}
            if resource.type == TARGET:
                targets.append(common | {"MinCapacity": values.get("min_capacity"), "MaxCapacity": values.get("max_capacity")})
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


def _on_demand(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    given = blocks[0] if blocks else {}
    return {"MaxReadRequestUnits": given.get("max_read_request_units"),
            "MaxWriteRequestUnits": given.get("max_write_request_units")}


def _tracking(values: dict[str, Any]) -> dict[str, Any]:
    config = (values.get("target_tracking_scaling_policy_configuration") or [{}])[0]
    metric = (config.get("predefined_metric_specification") or [{}])[0]
    return {"TargetValue": config.get("target_value"), "ScaleInCooldown": config.get("scale_in_cooldown", 0),
            "ScaleOutCooldown": config.get("scale_out_cooldown", 0),
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric.get("predefined_metric_type")}}
