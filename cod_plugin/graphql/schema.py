"""The plugin's API as a schema of its own: printed to ``schema.graphql`` as the contract hosts merge, with the
extensions a host adds next to it."""

import strawberry

from . import Mutation, Query
from .extensions import CodErrors
from .limits import limit_extensions

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[CodErrors, *limit_extensions()])
