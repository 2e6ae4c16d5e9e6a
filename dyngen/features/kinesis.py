"""Kinesis Data Streams for DynamoDB: item changes sent to an existing data stream
(aws_dynamodb_kinesis_streaming_destination)."""

from __future__ import annotations

from typing import Any

from dyngen.features import Feature, Output, fixed
from dyngen.model import Settings, Spec
from dyngen.variables import (
    Variable,
    any_environment,
    per_environment,
    setting,
    setting_when,
)

SUMMARY = "The table's item changes sent to an existing Kinesis data stream."
# approximate_creation_date_time_precision is newer than the resource; 6.0.0 is the oldest release checked.
PROVIDER_MINIMUM = "6.0.0"


def stream_arn(s: Settings) -> str | None:
    arn: str | None = setting("kinesis_streaming_destination", "stream_arn")(s)
    return arn


def used(spec: Spec) -> bool:
    return any_environment(spec, stream_arn)


def variables(spec: Spec) -> list[Variable]:
    return [
        Variable("kinesis_stream_arn", "string",
                 "ARN of an existing Kinesis data stream that receives the table's item changes; null for none.",
                 per_environment(spec, stream_arn), rule="kinesis_stream_arn", nullable=True),
        Variable("kinesis_approximate_creation_date_time_precision", "string",
                 "Precision of each record's ApproximateCreationDateTime; null: DynamoDB's default (MILLISECOND).",
                 per_environment(spec, setting_when(stream_arn, "kinesis_streaming_destination",
                                                           "approximate_creation_date_time_precision")),
                 rule="kinesis_precision", nullable=True),
    ]


def context(spec: Spec) -> dict[str, Any]:
    return {}


def outputs(spec: Spec) -> list[Output]:
    return [Output("kinesis_streaming_destination_id", "ID of the Kinesis streaming destination; null when none.",
                   "one(aws_dynamodb_kinesis_streaming_destination.this[*].id)")]


FEATURE = Feature(
    name="kinesis",
    summary=SUMMARY,
    used=used,
    variables=variables,
    outputs=outputs,
    context=context,
    provider_minimum=fixed(PROVIDER_MINIMUM),
)
