"""The base every Glean wire model shares: camelCase aliases, snake_case names, nothing dropped."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
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
