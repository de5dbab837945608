"""The base every Glean wire model shares: camelCase aliases, snake_case names, nothing dropped."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel


class GleanModel(BaseModel):
    """A Glean JSON object.

    Python names are snake_case, wire names camelCase (by alias); either spelling is accepted on input.
    Unknown keys are kept rather than dropped (`extra="allow"`): a response field Glean adds tomorrow
    parses today, and a request key the caller set is never silently lost.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready body: wire names, unset (None) fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def wire_enum(enum: type[StrEnum]) -> BeforeValidator:
    """Accept an enum field's JSON string even under `strict=True` (local_glean validates bodies strictly).

    Strict pydantic wants an enum *instance* for an enum field; a JSON body can only carry the string,
    so the string is turned into the member first. An unknown string still fails validation.
    """

    def coerce(value: object) -> object:
        return enum(value) if isinstance(value, str) and not isinstance(value, enum) else value

    return BeforeValidator(coerce)


def _iso_datetime(value: object) -> object:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


WIRE_DATETIME = BeforeValidator(_iso_datetime)
"""The same for an ISO 8601 `date-time` string, which strict pydantic would refuse for a `datetime` field."""
