"""The sandbox's GraphQL schema: the store's API and the COD plugin's, merged, with the plugin's error handling
and request limits (depth, aliases, tokens, cost, introspection: ``COD_GRAPHQL_*`` settings)."""

import strawberry
from strawberry.tools import merge_types

from cod_plugin.graphql import Mutation as CodMutation
from cod_plugin.graphql import Query as CodQuery
from cod_plugin.graphql.extensions import CodErrors
from cod_plugin.graphql.limits import limit_extensions

from .store.graphql import StoreMutation, StoreQuery

schema = strawberry.Schema(
    query=merge_types("Query", (StoreQuery, CodQuery)),
    mutation=merge_types("Mutation", (StoreMutation, CodMutation)),
    extensions=[CodErrors, *limit_extensions()],
)
