"""Building the strawberry schema with the facade's error policy."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import DisableIntrospection, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.errors import log_errors, mask_internal_errors
from schema.lefi_types import resolve_attribute
from schema.plan_step import PlanOperation
from schema.query import Query
from schema.scalars import SCALARS

DOCUMENT_CACHE_SIZE = 256


class FacadeSchema(strawberry.Schema):
    """The schema; its errors are logged without personal data."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        log_errors(errors)

    @cached_property
    def graphql_schema(self) -> GraphQLSchema:
        """graphql-core's view of the same types, for the planning step: built from strawberry's
        public converter (the types are the very objects execution uses)."""
        query = self.schema_converter.from_object(self.query.__strawberry_definition__)
        return GraphQLSchema(query=query)


def build_schema(introspection: bool = True) -> strawberry.Schema:
    """The GraphQL schema of the facade; without `introspection`, `__schema` and `__type` are
    refused at validation."""
    # The introspection rule is added before the validation cache validates with it.
    no_introspection: list[Any] = [] if introspection else [DisableIntrospection]
    return FacadeSchema(
        query=Query,
        # Frontends and BI tools send the same documents again and again, with variables: parse
        # and validate each document once. A document is held in memory only, never logged.
        extensions=[
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            *no_introspection,
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            PlanOperation,
            mask_internal_errors,
        ],
        config=StrawberryConfig(scalar_map=SCALARS, default_resolver=resolve_attribute),
    )
