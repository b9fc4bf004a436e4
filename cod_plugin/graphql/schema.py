"""The plugin's API as a schema of its own: printed to ``schema.graphql`` as the contract hosts merge."""

import strawberry

from . import Mutation, Query

schema = strawberry.Schema(query=Query, mutation=Mutation)
