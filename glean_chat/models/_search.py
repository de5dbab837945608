"""Search options the `ask` call carries: facet filters, their values and relations, and the backend to use."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from ._base import GleanModel, wire_enum
from ._documents import DocumentSpec

__all__ = [
    "AuthToken",
    "Backend",
    "FacetBucketFilter",
    "FacetFilter",
    "FacetFilterSet",
    "FacetFilterValue",
    "RelationType",
    "ResponseHint",
    "RestrictionFilters",
    "SearchRequestOptions",
]


class RelationType(StrEnum):
    EQUALS = "EQUALS"
    ID_EQUALS = "ID_EQUALS"
    LT = "LT"
    GT = "GT"
    NOT_EQUALS = "NOT_EQUALS"
    """Not in the April 2025 spec the seed SDK was built from; today's spec has it."""


class ResponseHint(StrEnum):
    """Which parts of a search response to fill in."""

    ALL_RESULT_COUNTS = "ALL_RESULT_COUNTS"
    FACET_RESULTS = "FACET_RESULTS"
    QUERY_METADATA = "QUERY_METADATA"
    RESULTS = "RESULTS"
    SPELLCHECK_METADATA = "SPELLCHECK_METADATA"


class Backend(StrEnum):
    """Which backend fulfils an `ask`: a search result, or a generated (chat) answer."""

    SEARCH = "SEARCH"
    CHAT = "CHAT"


class FacetFilterValue(GleanModel):
    value: str | None = None
    # Typed: these are request-side only, so a misspelt relation fails here rather than at Glean.
    relation_type: Annotated[RelationType, wire_enum(RelationType)] | None = None
    is_negated: bool | None = None
    """Deprecated by Glean in favour of `relation_type`."""


class FacetFilter(GleanModel):
    """Values of one field, OR'ed together (type is Spreadsheet OR Presentation)."""

    field_name: str | None = None
    values: list[FacetFilterValue] | None = None
    group_name: str | None = None


class FacetFilterSet(GleanModel):
    filters: list[FacetFilter] | None = None


class FacetBucketFilter(GleanModel):
    """Only the buckets of `facet` whose terms start with `prefix`."""

    facet: str | None = None
    prefix: str | None = None


class AuthToken(GleanModel):
    """A datasource token for federated (not indexed) results, e.g. Gmail."""

    access_token: str
    datasource: str
    scope: str | None = None
    token_type: str | None = None
    auth_user: str | None = None
    expiration: int | None = None
    """Unix time in seconds."""


class RestrictionFilters(GleanModel):
    container_specs: list[DocumentSpec] | None = None


class SearchRequestOptions(GleanModel):
    """How a search is filtered and faceted; different `facet_filters` are AND'ed."""

    facet_bucket_size: int
    datasource_filter: str | None = None
    datasources_filter: list[str] | None = None
    query_overrides_facet_filters: bool | None = None
    facet_filters: list[FacetFilter] | None = None
    facet_filter_sets: list[FacetFilterSet] | None = None
    facet_bucket_filter: FacetBucketFilter | None = None
    default_facets: list[str] | None = None
    auth_tokens: list[AuthToken] | None = None
    fetch_all_datasource_counts: bool | None = None
    response_hints: list[Annotated[ResponseHint, wire_enum(ResponseHint)]] | None = None
    timezone_offset: int | None = None
    disable_spellcheck: bool | None = None
    disable_query_autocorrect: bool | None = None
    return_llm_content_over_snippets: bool | None = None
    inclusions: RestrictionFilters | None = None
    exclusions: RestrictionFilters | None = None
