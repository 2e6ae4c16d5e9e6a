"""Hypothesis strategies that build VALID spec documents (plain Python dicts) across the whole spec contract.

Every document drawn here must pass `dyngen validate`: the strategies follow the JSON Schema (patterns, ranges,
enums and lengths are read from schemas/dyngen.schema.json by tests.strategies.schema_rules) and DynamoDB's own
rules (attributes are exactly the key attributes, INCLUDE needs non_key_attributes, an LSI needs a table range key,
replicas need a NEW_AND_OLD_IMAGES stream and, with an existing customer key, their own kms_key_arn, backup deletes
at least 90 days after cold storage, items carry their keys and have unique keys, ...).

One module per feature draws that feature's keys of one environment; tests.strategies.environment composes them and
tests.strategies.documents builds whole documents. Free text (descriptions, tag keys and values, item strings,
attribute names, the backend key, the import key prefix, the backup schedule's inside) is drawn from `hostile_text`.

`spec_documents()` draws a document; `spec_yaml(document)` writes it as the YAML text a user could have typed.
"""

from tests.strategies.documents import spec_documents, spec_yaml
from tests.strategies.values import HOSTILE, hostile_text

__all__ = ["HOSTILE", "hostile_text", "spec_documents", "spec_yaml"]
