"""The sandbox's GraphQL schema: the store's API and the COD plugin's, merged, with query cost limits."""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from cod_plugin.graphql import Mutation as CodMutation
from cod_plugin.graphql import Query as CodQuery

from .store.graphql import StoreMutation, StoreQuery

schema = strawberry.Schema(
    query=merge_types("Query", (StoreQuery, CodQuery)),
    mutation=merge_types("Mutation", (StoreMutation, CodMutation)),
    extensions=[
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxAliasesLimiter(max_alias_count=20),
        lambda: MaxTokensLimiter(max_token_count=2000),
    ],
)
