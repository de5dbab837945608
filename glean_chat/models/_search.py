"""Search options the `ask` call carries: facet filters, their values and relations, and the backend to use."""

from __future__ import annotations

from enum import StrEnum

from ._base import GleanModel

__all__ = [
    "Backend",
    "FacetFilter",
    "FacetFilterSet",
    "FacetFilterValue",
    "RelationType",
    "SearchRequestOptions",
]


class RelationType(StrEnum):
    EQUALS = "EQUALS"
    ID_EQUALS = "ID_EQUALS"
    LT = "LT"
    GT = "GT"


class Backend(StrEnum):
    """Which backend fulfils an `ask`: a search result, or a generated (chat) answer."""

    SEARCH = "SEARCH"
    CHAT = "CHAT"


class FacetFilterValue(GleanModel):
    value: str | None = None
    relation_type: str | None = None
    """A `RelationType`; plain `str` so a relation Glean adds later still parses."""
    is_negated: bool | None = None
    """Deprecated by Glean in favour of `relation_type`."""


class FacetFilter(GleanModel):
    """Values of one field, OR'ed together (type is Spreadsheet OR Presentation)."""

    field_name: str | None = None
    values: list[FacetFilterValue] | None = None
    group_name: str | None = None


class FacetFilterSet(GleanModel):
    filters: list[FacetFilter] | None = None


class SearchRequestOptions(GleanModel):
    """How a search is filtered and faceted; different `facet_filters` are AND'ed."""

    facet_bucket_size: int
    datasource_filter: str | None = None
    datasources_filter: list[str] | None = None
    query_overrides_facet_filters: bool | None = None
    facet_filters: list[FacetFilter] | None = None
    facet_filter_sets: list[FacetFilterSet] | None = None
    fetch_all_datasource_counts: bool | None = None
    response_hints: list[str] | None = None
    timezone_offset: int | None = None
    disable_spellcheck: bool | None = None
    disable_query_autocorrect: bool | None = None
    return_llm_content_over_snippets: bool | None = None
