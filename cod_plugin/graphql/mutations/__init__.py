"""One mutation a module; ``Mutation`` gathers them."""

import strawberry

from .checkout_complete import cod_checkout_complete


@strawberry.type
class Mutation:
    cod_checkout_complete = cod_checkout_complete
