"""The JSON Schema of the spec format (installed as dyngen.schemas)."""
