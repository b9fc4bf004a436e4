"""How much one GraphQL request may ask for: depth, aliases, tokens, cost and introspection, from settings.

``limit_extensions()`` gives the schema extensions a host adds next to ``CodErrors``. Depth, aliases and tokens
are strawberry's own extensions. Strawberry has no cost limit, hence ``CostLimitRule`` here: a depth limit alone
lets ``codOrders(first: 100) { timeline ... }`` under a few aliases ask for hundreds of thousands of objects in
twelve levels, so each field costs one, times the page sizes (``first``) of the lists above it, and a document
costing more than ``COD_GRAPHQL_MAX_COST`` is refused before anything runs.
"""

from django.utils.translation import gettext as _
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from ..conf import app_settings
from .pages import MAX_PAGE_SIZE

COST_LIMIT_EXCEEDED = "GRAPHQL_COST_LIMIT_EXCEEDED"
# The depth limit refuses deeper documents anyway; below it the cost is not worth walking (nor Python's stack).
_DEEPEST_WALK = 64


class CostLimitRule(ValidationRule):
    """Refuses an operation costing more than ``COD_GRAPHQL_MAX_COST``: each field 1, times the ``first`` of
    every list above it (a literal; a variable counts as its default, or as the largest page)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        self._defaults = {
            definition.variable.name.value: definition.default_value for definition in node.variable_definitions or ()
        }
        cost = self._selection_cost(node.selection_set, self._root_type(node), depth=0, seen=frozenset())
        most = app_settings.GRAPHQL_MAX_COST
        if cost > most:
            message = _("This request asks for too much at once (cost %(cost)d, at most %(most)d).")
            self.report_error(
                GraphQLError(
                    message % {"cost": min(cost, 10**9), "most": most},
                    nodes=[node],
                    extensions={"code": COST_LIMIT_EXCEEDED},
                )
            )

    def _root_type(self, node: OperationDefinitionNode):
        return self.context.schema.get_root_type(node.operation)

    def _selection_cost(self, selection_set, parent_type, *, depth: int, seen: frozenset) -> int:
        if selection_set is None or parent_type is None or depth > _DEEPEST_WALK:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent_type, depth=depth, seen=seen)
            elif isinstance(selection, InlineFragmentNode):
                inner = self._type(selection.type_condition.name.value) if selection.type_condition else parent_type
                total += self._selection_cost(selection.selection_set, inner, depth=depth + 1, seen=seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    inner = self._type(fragment.type_condition.name.value)
                    spread_seen = seen | {selection.name.value}
                    total += self._selection_cost(fragment.selection_set, inner, depth=depth + 1, seen=spread_seen)
        return total

    def _field_cost(self, node: FieldNode, parent_type, *, depth: int, seen: frozenset) -> int:
        field = getattr(parent_type, "fields", {}).get(node.name.value)
        if field is None:
            return 1
        inner = self._selection_cost(node.selection_set, get_named_type(field.type), depth=depth + 1, seen=seen)
        return 1 + self._page_size(node, field) * inner

    def _page_size(self, node: FieldNode, field) -> int:
        if "first" not in field.args:
            return 1
        given = next((argument.value for argument in node.arguments or () if argument.name.value == "first"), None)
        if given is None:  # not asked: the field's own default
            default = field.args["first"].default_value
            return max(1, default) if isinstance(default, int) else MAX_PAGE_SIZE
        if isinstance(given, VariableNode):
            given = self._defaults.get(given.name.value)
        return max(1, int(given.value)) if isinstance(given, IntValueNode) else MAX_PAGE_SIZE

    def _type(self, name: str):
        return self.context.schema.get_type(name)


def limit_extensions() -> list:
    """Factories of the extensions that bound a request; each reads its setting when a request starts."""
    return [
        lambda: QueryDepthLimiter(max_depth=app_settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=app_settings.GRAPHQL_MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=app_settings.GRAPHQL_MAX_TOKENS),
        lambda: AddValidationRules(_rules()),
    ]


def _rules() -> list:
    rules = [CostLimitRule]
    if not app_settings.GRAPHQL_INTROSPECTION:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules
