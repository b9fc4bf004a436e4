"""Page sizes of the plugin's lists: at most ``MAX_PAGE_SIZE`` items a request, refused beyond, never clamped."""

from django.utils.translation import gettext as _
from graphql import GraphQLError

MAX_PAGE_SIZE = 100


def page_size(first: int, *, most: int = MAX_PAGE_SIZE) -> int:
    """``first`` as asked, from 0 to ``most``: a client asking for more learns so instead of getting less."""
    if not 0 <= first <= most:
        message = _("Ask for 0 to %(most)d items at a time.") % {"most": most}
        raise GraphQLError(message, extensions={"code": "INVALID", "field": "first"})
    return first
