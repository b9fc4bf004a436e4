"""Top-level GraphQL errors with a stable code in ``extensions``."""

from graphql import GraphQLError

from ..error_codes import CodError


def top_level(error: CodError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code.name, "field": error.field})


def permission_denied(message: str = "You need to sign in to do this.") -> GraphQLError:
    return GraphQLError(message, extensions={"code": "PERMISSION_DENIED"})
