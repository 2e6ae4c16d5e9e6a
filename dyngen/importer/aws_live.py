"""A live table read through boto3 (the optional `aws` extra): the same documents the AWS CLI would print."""

from __future__ import annotations

from typing import Any

from dyngen.errors import DyngenError
from dyngen.importer.aws_documents import TableDocuments

INSTALL = "pip install 'dyngen[aws]'"


class AwsError(DyngenError):
    """AWS refused or could not be reached: no credentials, no such table, no permission."""


def fetch(table: str, *, region: str | None, profile: str | None) -> TableDocuments:
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise AwsError(f"--aws reads tables through boto3, which is not installed: {INSTALL}") from None
    try:
        session = boto3.Session(region_name=region, profile_name=profile)
        return _documents(session, table)
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise AwsError(f"AWS: {detail.get('Code', 'error')}: {detail.get('Message', error)}") from None
    except BotoCoreError as error:
        raise AwsError(f"AWS: {error}") from None


def _documents(session: Any, table: str) -> TableDocuments:
    dynamodb = session.client("dynamodb")
    described = dynamodb.describe_table(TableName=table)["Table"]
    region = session.region_name
    docs = TableDocuments(described, [f"the live table {table} ({region})"])
    docs.ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    docs.backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    docs.tags = _tags(dynamodb, described["TableArn"])
    docs.insights = _optional(lambda: dynamodb.describe_contributor_insights(TableName=table))
    docs.targets, docs.policies = _autoscaling(session.client("application-autoscaling"), described)
    arn = (described.get("SSEDescription") or {}).get("KMSMasterKeyArn")
    if arn:
        key = _optional(lambda: session.client("kms").describe_key(KeyId=arn)["KeyMetadata"])
        docs.keys = {arn: key} if key else {}
    return docs


def _tags(dynamodb: Any, arn: str) -> list[dict[str, Any]]:
    tags, token = [], None
    while True:
        page = dynamodb.list_tags_of_resource(ResourceArn=arn, **({"NextToken": token} if token else {}))
        tags += page.get("Tags", [])
        token = page.get("NextToken")
        if not token:
            return tags


def _autoscaling(client: Any, table: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    name = table["TableName"]
    indexes = [index["IndexName"] for index in table.get("GlobalSecondaryIndexes") or []]
    ids = [f"table/{name}"] + [f"table/{name}/index/{index}" for index in indexes]
    targets = client.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=ids)["ScalableTargets"]
    policies = [p for resource in ids
                for p in client.describe_scaling_policies(ServiceNamespace="dynamodb",
                                                          ResourceId=resource)["ScalingPolicies"]]
    return targets, policies


def _optional(call: Any) -> Any:
    """A document that helps but is not needed (contributor insights, a key's manager): missing when AWS (or an
    account's permissions) will not give it; the mapping then warns."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except (ClientError, BotoCoreError, NotImplementedError):
        return None
