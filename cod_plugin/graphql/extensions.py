"""The plugin's schema extension: a mutation that answers an error has written nothing, and no error leaks.

A host adds ``CodErrors`` to its schema's extensions. It builds on strawberry's ``MaskErrors`` (which replaces
every error's message) and decides per error instead:

- an error the API raised on purpose (a ``GraphQLError`` with ``extensions.code``) passes unchanged;
- a parse or validation error of the document gets a code (``GRAPHQL_PARSE_FAILED``,
  ``GRAPHQL_VALIDATION_FAILED``) and loses whatever a scalar's parser said about itself;
- a busy or locked database becomes ``DATABASE_BUSY`` with ``extensions.retryable``;
- anything else becomes ``INTERNAL_ERROR`` with a generic message, logged with its traceback.

Each of the plugin's root mutation fields runs in ``transaction.atomic()``: when it raises, or returns a payload
whose ``errors`` are not empty, the transaction is rolled back (with the ``on_commit`` tasks it registered). The
host's own mutations are left as they are: a sign-in records its failures on purpose.
"""

import logging
import re
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from graphql import GraphQLError, OperationType
from strawberry.extensions import MaskErrors

from ..database import is_busy

logger = logging.getLogger("cod_plugin.graphql")

INTERNAL_ERROR = "INTERNAL_ERROR"
DATABASE_BUSY = "DATABASE_BUSY"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
DEFINITION_BACKREF = "strawberry-definition"  # where strawberry keeps a GraphQL field's own definition

# How graphql-core begins its message when a scalar's parser refused a literal of the document.
LITERAL_REFUSED = "Expected value of type"
_SCALAR_REFUSAL = re.compile(r"Value cannot represent an? \w+")


def plugin_mutation_names() -> frozenset[str]:
    from . import Mutation  # the package imports this module's neighbours; read it when first needed

    return frozenset(field.python_name for field in Mutation.__strawberry_definition__.fields)


class CodErrors(MaskErrors):
    def __init__(self, *, atomic_fields: Iterable[str] | None = None) -> None:
        super().__init__(should_mask_error=lambda error: True)
        self.atomic_fields = frozenset(atomic_fields) if atomic_fields is not None else plugin_mutation_names()

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [coded(error) for error in errors]

    def resolve(self, _next: Callable, root, info, *args, **kwargs):
        if not self._is_atomic(info):
            return _next(root, info, *args, **kwargs)
        with transaction.atomic():
            payload = _next(root, info, *args, **kwargs)
            if getattr(payload, "errors", None):
                transaction.set_rollback(True)
        return payload

    def _is_atomic(self, info) -> bool:
        if info.path.prev is not None or info.operation.operation != OperationType.MUTATION:
            return False
        field = info.parent_type.fields.get(info.field_name)  # none for __typename
        definition = field and field.extensions.get(DEFINITION_BACKREF)
        return getattr(definition, "python_name", None) in self.atomic_fields


def coded(error: GraphQLError) -> GraphQLError:
    """The error as a client may see it: with a code, and without anything the server should keep to itself."""
    original = error.original_error
    if (error.extensions or {}).get("code"):
        return error
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        # the document or its variables, refused before anything ran: the client's mistake, in GraphQL's words
        code = PARSE_FAILED if error.message.startswith("Syntax Error") else VALIDATION_FAILED
        return _with(error, _refused_input_message(error), code)
    if error.path is None and error.message.startswith(LITERAL_REFUSED):
        return _with(error, _refused_input_message(error), VALIDATION_FAILED)
    if isinstance(original, RecursionError):
        return _with(error, _("The document is nested too deeply."), VALIDATION_FAILED)
    if original is not None and is_busy(original):
        message = _("The database is busy; try again in a moment.")
        return _with(error, message, DATABASE_BUSY, retryable=True)
    where = ".".join(map(str, error.path or ())) or "(operation)"
    logger.error("Unexpected error in GraphQL field %s: %s", where, error.message, exc_info=original)
    return _with(error, _("Something went wrong on our side; try again later."), INTERNAL_ERROR)


def _refused_input_message(error: GraphQLError) -> str:
    """GraphQL's own words on the input, without what a scalar's parser added of its own (Python's words)."""
    inner = error.original_error
    raw = inner.original_error if isinstance(inner, GraphQLError) else inner
    if raw is not None and not isinstance(raw, GraphQLError):
        return error.message.split(";", 1)[0] + "; " + _("the value has the wrong type or form.")
    # strawberry's scalars say "Value cannot represent a DateTime: <value>. <what the parser raised>"
    refusal = _SCALAR_REFUSAL.search(error.message)
    return error.message[: refusal.end()] + "." if refusal else error.message


def _with(error: GraphQLError, message: str, code: str, **extra) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code, **extra},
    )
