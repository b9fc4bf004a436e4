"""The plugin's GraphQL API; a host merges ``Query`` and ``Mutation`` into its own schema."""

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
