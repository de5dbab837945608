"""A small OpenAPI 3.0 schema checker for request bodies: wire names, types, enums and required fields.

Stricter than OpenAPI on one point, on purpose: an object key the schema does not declare is an error, so a
snake_case or misspelt name (`request_options`, `facetBucketsize`) cannot slip through as an "extra".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "glean"
APRIL_2025_SPEC = SPEC_DIR / "api-client-python.speakeasy.glean-merged-spec.2025-04-24.yaml"
"""The spec bundled with the seed SDK (the one with `/ask`)."""

Schema = dict[str, Any]


class Spec:
    def __init__(self, path: Path) -> None:
        self.doc: dict[str, Any] = yaml.safe_load(path.read_text())
        self.schemas: dict[str, Schema] = self.doc["components"]["schemas"]

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def request_schema(self, path: str) -> Schema:
        body = self.doc["paths"][path]["post"]["requestBody"]
        return self.resolve(body["content"]["application/json"]["schema"])

    def properties(self, schema: Schema) -> tuple[dict[str, Schema], set[str]]:
        """Declared properties and required names of an object schema, `allOf` parts merged."""
        schema = self.resolve(schema)
        props: dict[str, Schema] = dict(schema.get("properties", {}))
        required = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            more, needed = self.properties(part)
            props.update(more)
            required |= needed
        return props, required

    def errors(self, value: Any, schema: Schema, where: str = "$") -> list[str]:
        """Why `value` does not fit `schema` (empty when it does)."""
        schema = self.resolve(schema)
        if "oneOf" in schema:
            tries = [self.errors(value, branch, where) for branch in schema["oneOf"]]
            return [] if any(not t for t in tries) else [f"{where}: fits no oneOf branch: {tries}"]
        kind = schema.get("type") or ("object" if "properties" in schema or "allOf" in schema else None)
        if kind == "object":
            return self._object_errors(value, schema, where)
        if kind == "array":
            if not isinstance(value, list):
                return [f"{where}: expected an array, got {value!r}"]
            return [
                e for i, item in enumerate(value) for e in self.errors(item, schema["items"], f"{where}[{i}]")
            ]
        return _scalar_errors(value, schema, kind, where)

    def _object_errors(self, value: Any, schema: Schema, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r}"]
        props, required = self.properties(schema)
        found = [f"{where}: missing required {name!r}" for name in sorted(required - set(value))]
        for key, item in value.items():
            if key not in props:
                found.append(f"{where}: {key!r} is not a property the spec declares ({sorted(props)})")
            else:
                found += self.errors(item, props[key], f"{where}.{key}")
        return found


def _scalar_errors(value: Any, schema: Schema, kind: str | None, where: str) -> list[str]:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind in checks and not checks[kind](value):
        return [f"{where}: expected {kind}, got {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    if schema.get("format") == "date-time":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return [f"{where}: {value!r} is not an ISO 8601 date-time"]
    return []
