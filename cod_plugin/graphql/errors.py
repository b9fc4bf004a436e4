"""Top-level GraphQL errors with a stable code in ``extensions``."""

from django.utils.translation import gettext as _
from graphql import GraphQLError

from ..error_codes import CodError


def top_level(error: CodError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code.name, "field": error.field})


def permission_denied() -> GraphQLError:
    return GraphQLError(_("You need to sign in to do this."), extensions={"code": "PERMISSION_DENIED"})
