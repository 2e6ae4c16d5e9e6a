"""`dyngen import --aws`: a live table read through boto3, served in-process by moto with every feature moto
supports, becomes the spec that says the same; AWS errors are one line, exit 1."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import yaml

boto3 = pytest.importorskip("boto3", reason="the aws extra is not installed")
moto = pytest.importorskip("moto", reason="moto (a test dependency) is not installed")

REGION = "eu-west-1"
from tests.helpers import run_cli


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with moto.mock_aws():
        yield


def create_orders_table() -> str:
    key = boto3.client("kms", region_name=REGION).create_key(Description="orders")["KeyMetadata"]["Arn"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="orders-prod",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              (("pk", "S"), ("sk", "S"), ("customer", "S"), ("placed_at", "N"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 20, "WriteCapacityUnits": 10},
        GlobalSecondaryIndexes=[{
            "IndexName": "ByCustomer",
            "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed_at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 8, "WriteCapacityUnits": 4},
        }],
        LocalSecondaryIndexes=[{
            "IndexName": "ByPlacedAt",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "placed_at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        DeletionProtectionEnabled=True,  # moto 5.2 does not report TableClass or OnDemandThroughput
        Tags=[{"Key": "Team", "Value": "checkout"}],
    )
    dynamodb.update_time_to_live(TableName="orders-prod",
                                 TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    dynamodb.update_continuous_backups(TableName="orders-prod",
                                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    scaling = boto3.client("application-autoscaling", region_name=REGION)
    for unit, low, high, metric, target in (("Read", 20, 200, "DynamoDBReadCapacityUtilization", 70.0),
                                            ("Write", 10, 100, "DynamoDBWriteCapacityUtilization", 60.0)):
        dimension = f"dynamodb:table:{unit}CapacityUnits"
        scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/orders-prod",
                                         ScalableDimension=dimension, MinCapacity=low, MaxCapacity=high)
        scaling.put_scaling_policy(
            PolicyName=f"{metric}:table/orders-prod", ServiceNamespace="dynamodb", ResourceId="table/orders-prod",
            ScalableDimension=dimension, PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": target, "ScaleInCooldown": 60, "ScaleOutCooldown": 60,
                "PredefinedMetricSpecification": {"PredefinedMetricType": metric}})
    return key


def test_a_live_table_becomes_the_spec_that_says_the_same(aws: None) -> None:
    key = create_orders_table()
    result = run_cli("import", "--aws", "orders-prod", "--region", REGION, "--stdout")
    assert result.exit_code == 0, result.output
    spec: dict[str, Any] = yaml.safe_load(result.stdout)
    assert {k: spec[k] for k in ("name", "table_name", "hash_key", "range_key", "attributes")} == {
        "name": "orders-prod", "table_name": "orders-prod", "hash_key": "pk", "range_key": "sk",
        "attributes": {"pk": "S", "sk": "S", "customer": "S", "placed_at": "N"}}
    assert spec["global_secondary_indexes"] == [{"name": "ByCustomer", "hash_key": "customer", "range_key": "placed_at",
                                                 "projection_type": "INCLUDE", "non_key_attributes": ["total"]}]
    assert spec["local_secondary_indexes"] == [{"name": "ByPlacedAt", "range_key": "placed_at", "projection_type": "KEYS_ONLY"}]
    prod = spec["environments"]["prod"]
    assert prod == {
        "import_existing": True,
        "region": REGION,
        "billing_mode": "PROVISIONED",
        "read_capacity": 20,
        "write_capacity": 10,
        "index_capacity": {"ByCustomer": {"read_capacity": 8, "write_capacity": 4}},
        "table_class": "STANDARD",
        "deletion_protection": True,
        "stream": {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"},
        "ttl": {"enabled": True, "attribute_name": "expires_at"},
        "point_in_time_recovery": {"enabled": True, "recovery_period_days": 35},
        "encryption": {"enabled": True, "kms_key_arn": key},  # describe-key says KeyManager CUSTOMER
        **({"contributor_insights": False} if "contributor_insights" in prod else {}),
        "tags": {"Team": "checkout"},
        "autoscaling": {"enabled": True, "indexes": False, "scale_in_cooldown": 60, "scale_out_cooldown": 60,
                        "read": {"min_capacity": 20, "max_capacity": 200, "target_utilization": 70},
                        "write": {"min_capacity": 10, "max_capacity": 100, "target_utilization": 60}},
    }
    assert "describe-key" not in result.stderr


def test_a_missing_table_is_one_line_and_exit_1(aws: None) -> None:
    result = run_cli("import", "--aws", "nosuch", "--region", REGION, "--stdout")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("error: AWS: ResourceNotFoundException: ")


def test_no_credentials_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run_cli("import", "--aws", "orders", "--region", REGION, "--stdout")
    assert result.exit_code == 1
    assert result.output == "error: AWS: Unable to locate credentials\n"
