"""The store's GraphQL API in Saleor's names and shapes: tokens, accounts, products, checkouts, orders."""

import uuid
from collections.abc import Callable
from decimal import Decimal

import strawberry
from django.db import transaction
from strawberry.relay import from_base64, to_base64
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from cod_plugin.graphql.pages import page_size
from cod_plugin.graphql.types import Money

from . import auth, models, selectors, services
from .services import ErrorCode, LineChange, StoreInputError

MAX_PAGE = 100

StoreErrorCode = strawberry.enum(ErrorCode, name="StoreErrorCode", description="Why a store request failed.")

# AddressInput's attribute (Saleor's name) for each address column of the store.
ADDRESS_INPUT_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "street": "street_address1",
    "city": "city",
    "area": "country_area",
    "postal_code": "postal_code",
    "country": "country",
    "phone": "phone",
}


def global_id(type_name: str, pk) -> strawberry.ID:
    return strawberry.ID(to_base64(type_name, pk))


def decode_id(value: str, type_name: str, *, field: str) -> str:
    try:
        found, pk = from_base64(value)
    except ValueError:
        found, pk = None, ""
    if found != type_name or not pk:
        raise StoreInputError(ErrorCode.INVALID, f"Not a valid {type_name} ID.", field=field)
    return pk


def decode_pk(value: str, type_name: str, *, field: str) -> int:
    pk = selectors.parse_pk(decode_id(value, type_name, field=field))
    if pk is None:
        raise StoreInputError(ErrorCode.INVALID, f"Not a valid {type_name} ID.", field=field)
    return pk


def request_user(info: Info):
    return info.context.request.user


@strawberry.type
class StoreError:
    field: str | None
    message: str
    code: StoreErrorCode


@strawberry.type
class Channel:
    slug: str
    name: str
    currency_code: str


@strawberry.type
class ProductFlags:
    high_value: bool
    pre_order: bool
    customized: bool
    special_customs: bool


@strawberry.type
class ProductPricing:
    price: Money


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    sku: str
    category: str
    is_digital: bool
    flags: ProductFlags
    pricing: ProductPricing | None = strawberry.field(description="Null when not sold in the channel.")
    quantity_available: int


@strawberry.type
class ProductCountableEdge:
    node: Product


@strawberry.type
class ProductCountableConnection:
    total_count: int
    edges: list[ProductCountableEdge]


@strawberry.type
class Address:
    first_name: str
    last_name: str
    street_address1: str
    city: str
    country_area: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code; empty when not given.")
    phone: str


@strawberry.input
class AddressInput:
    first_name: str | None = None
    last_name: str | None = None
    street_address1: str | None = None
    city: str | None = None
    country_area: str | None = None
    postal_code: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 code.")
    phone: str | None = None

    def to_fields(self) -> dict[str, str | None]:
        return {column: getattr(self, attribute) for column, attribute in ADDRESS_INPUT_FIELDS.items()}


@strawberry.type
class DeliveryMethod:
    id: strawberry.ID
    name: str
    price: Money
    can_collect_cash: bool
    estimated_days: int = strawberry.field(description="Including the extra days of a remote address.")


@strawberry.type
class CheckoutLine:
    id: strawberry.ID
    quantity: int
    product: Product
    unit_price: Money | None = strawberry.field(description="Null when the product is no longer sold here.")
    total_price: Money | None


@strawberry.type
class Checkout:
    id: strawberry.ID
    token: uuid.UUID
    email: str
    channel: Channel
    lines: list[CheckoutLine]
    shipping_address: Address | None
    delivery_method: DeliveryMethod | None
    subtotal_price: Money
    total_price: Money = strawberry.field(description="Lines plus delivery, before any payment fee.")
    channel_pk: strawberry.Private[int]
    extra_days: strawberry.Private[int]

    @strawberry.field(description="The channel's delivery methods, with the days they take to this address.")
    def available_delivery_methods(self) -> list[DeliveryMethod]:
        methods = models.DeliveryMethod.objects.filter(channel_id=self.channel_pk).order_by("estimated_days", "pk")
        return [to_delivery_method(method, self.extra_days) for method in methods]


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    phone: str
    b2b_account: str | None


@strawberry.type
class OrderLine:
    kind: str = strawberry.field(description='"product" or "cod_fee".')
    sku: str
    name: str
    quantity: int
    unit_price: Money
    total_price: Money


@strawberry.type
class Order:
    id: strawberry.ID
    number: str
    status: str
    payment_method: str
    total: Money
    lines: list[OrderLine]


@strawberry.input
class AccountRegisterInput:
    email: str
    password: str


@strawberry.input
class CheckoutLineInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input
class CheckoutCreateInput:
    channel: str
    email: str | None = None
    lines: list[CheckoutLineInput] = strawberry.field(default_factory=list)
    shipping_address: AddressInput | None = None


@strawberry.type
class CreateToken:
    token: str | None = strawberry.field(description="Access token for the Authorization header: 5 minutes.")
    refresh_token: str | None = strawberry.field(description="For tokenRefresh: 30 days, void on a password change.")
    user: User | None
    errors: list[StoreError]


@strawberry.type
class RefreshToken:
    token: str | None = strawberry.field(description="A new access token: 5 minutes.")
    user: User | None
    errors: list[StoreError]


@strawberry.type
class AccountRegister:
    user: User | None
    errors: list[StoreError]


@strawberry.type
class CheckoutCreate:
    checkout: Checkout | None
    errors: list[StoreError]


@strawberry.type
class CheckoutLinesUpdate:
    checkout: Checkout | None
    errors: list[StoreError]


@strawberry.type
class CheckoutShippingAddressUpdate:
    checkout: Checkout | None
    errors: list[StoreError]


@strawberry.type
class CheckoutDeliveryMethodUpdate:
    checkout: Checkout | None
    errors: list[StoreError]


def store_error(error: StoreInputError) -> StoreError:
    field = error.field
    if field in ADDRESS_INPUT_FIELDS:
        field = to_camel_case(ADDRESS_INPUT_FIELDS[field])
    return StoreError(field=field, message=error.message, code=error.code)


def to_product(item: models.Product, price: Decimal | None, currency: str) -> Product:
    return Product(
        id=global_id("Product", item.pk),
        name=item.name,
        sku=item.sku,
        category=item.category,
        is_digital=item.is_digital,
        flags=ProductFlags(
            high_value=item.is_high_value,
            pre_order=item.is_pre_order,
            customized=item.is_customized,
            special_customs=item.needs_special_customs,
        ),
        pricing=None if price is None else ProductPricing(price=Money.of(price, currency)),
        quantity_available=selectors.in_stock(item),
    )


def to_address(source: models.Address) -> Address | None:
    values = source.address_values()
    if not any(values.values()):
        return None
    return Address(**{ADDRESS_INPUT_FIELDS[column]: value for column, value in values.items()})


def to_delivery_method(method: models.DeliveryMethod, extra_days: int) -> DeliveryMethod:
    return DeliveryMethod(
        id=global_id("DeliveryMethod", method.pk),
        name=method.name,
        price=Money.of(method.price.amount, str(method.price.currency)),
        can_collect_cash=method.can_collect_cash,
        estimated_days=method.estimated_days + extra_days,
    )


def to_checkout_line(line: models.CheckoutLine, currency: str) -> CheckoutLine:
    price = line.unit_price
    return CheckoutLine(
        id=global_id("CheckoutLine", line.pk),
        quantity=line.quantity,
        product=to_product(line.product, price, currency),
        unit_price=Money.of(price, currency),
        total_price=None if price is None else Money.of(price * line.quantity, currency),
    )


def to_checkout(item: models.Checkout, lines: list[models.CheckoutLine]) -> Checkout:
    channel, method = item.channel, item.delivery_method
    currency = channel.currency
    subtotal = selectors.subtotal(lines)
    shipping = method.price.amount if method else Decimal(0)
    return Checkout(
        id=global_id("Checkout", item.pk),
        token=item.pk,
        email=item.email,
        channel=Channel(slug=channel.slug, name=channel.name, currency_code=currency),
        lines=[to_checkout_line(line, currency) for line in lines],
        shipping_address=to_address(item),
        delivery_method=to_delivery_method(method, item.extra_days) if method else None,
        subtotal_price=Money.of(subtotal, currency),
        total_price=Money.of(subtotal + shipping, currency),
        channel_pk=channel.pk,
        extra_days=item.extra_days,
    )


def load_checkout(token: str, user) -> Checkout | None:
    """The checkout in three queries at most: the checkout, its priced lines, and its delivery methods if asked."""
    item = selectors.find_checkout(token, user=user)
    return None if item is None else to_checkout(item, selectors.priced_lines(item))


def to_user(user) -> User:
    customer = models.Customer.objects.filter(user_id=user.pk).first()
    return User(
        id=global_id("User", user.pk),
        email=user.email,
        phone=customer.phone if customer else "",
        b2b_account=(customer.b2b_account or None) if customer else None,
    )


def to_order(item: models.Order) -> Order:
    currency = item.currency
    return Order(
        id=global_id("Order", item.pk),
        number=item.number,
        status=item.status,
        payment_method=item.payment_method,
        total=Money.of(item.total, currency),
        lines=[
            OrderLine(
                kind=line.kind,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=Money.of(line.unit_price, currency),
                total_price=Money.of(line.total, currency),
            )
            for line in item.lines.all()
        ],
    )


def line_changes(lines: list[CheckoutLineInput]) -> list[LineChange]:
    return [
        LineChange(product_pk=decode_pk(line.product_id, "Product", field="productId"), quantity=line.quantity)
        for line in lines
    ]


def change_checkout(info: Info, checkout_id: strawberry.ID, change: Callable[[models.Checkout], None]):
    """Apply ``change`` to the caller's checkout under a row lock; answer ``(checkout, errors)``."""
    user = request_user(info)
    try:
        token = decode_id(checkout_id, "Checkout", field="id")
        # The lock makes a change wait for a COD order being placed from this checkout, and vice versa.
        with transaction.atomic():
            item = selectors.find_checkout(token, user=user, lock=True)
            if item is None:
                raise StoreInputError(ErrorCode.NOT_FOUND, "Checkout not found.", field="id")
            change(item)
    except StoreInputError as error:
        return None, [store_error(error)]
    return load_checkout(token, user), []


@strawberry.type
class StoreQuery:
    @strawberry.field(description="Products sold in a channel, by name.")
    def products(self, channel: str, first: int = MAX_PAGE) -> ProductCountableConnection | None:
        page_size(first, most=MAX_PAGE)
        found = models.Channel.objects.filter(slug=channel).first()
        if found is None:
            return None
        listings = models.ProductChannelListing.objects.filter(channel=found)
        page = listings.select_related("product", "product__stock").order_by("product__name", "product_id")[:first]
        return ProductCountableConnection(
            total_count=listings.count(),
            edges=[
                ProductCountableEdge(node=to_product(row.product, row.price.amount, found.currency)) for row in page
            ],
        )

    @strawberry.field(description="A checkout by its ID: a guest's for anyone with the ID, a customer's for them.")
    def checkout(self, info: Info, id: strawberry.ID) -> Checkout | None:
        try:
            token = decode_id(id, "Checkout", field="id")
        except StoreInputError:
            return None
        return load_checkout(token, request_user(info))

    @strawberry.field(description="The signed-in user; null when anonymous.")
    def me(self, info: Info) -> User | None:
        user = request_user(info)
        return to_user(user) if user.is_authenticated else None

    @strawberry.field(description="An order, for its customer or staff; null otherwise.")
    def order(self, info: Info, id: strawberry.ID) -> Order | None:
        user = request_user(info)
        if not user.is_authenticated:
            return None
        try:
            pk = decode_pk(id, "Order", field="id")
        except StoreInputError:
            return None
        orders = models.Order.objects.all() if user.is_staff else models.Order.objects.filter(user=user)
        item = orders.prefetch_related("lines").filter(pk=pk).first()
        return None if item is None else to_order(item)


@strawberry.type
class StoreMutation:
    @strawberry.mutation(description="Sign in: an access token (5 minutes) and a refresh token (30 days).")
    def token_create(self, info: Info, email: str, password: str) -> CreateToken:
        try:
            user = auth.sign_in(info.context.request, email, password)
        except StoreInputError as error:
            return CreateToken(token=None, refresh_token=None, user=None, errors=[store_error(error)])
        token, refresh = auth.create_token(user), auth.create_refresh_token(user)
        return CreateToken(token=token, refresh_token=refresh, user=to_user(user), errors=[])

    @strawberry.mutation(description="A new access token for a refresh token from tokenCreate.")
    def token_refresh(self, refresh_token: str) -> RefreshToken:
        user = auth.user_for_refresh_token(refresh_token)
        if user is None:
            message = "The refresh token is invalid or expired: sign in again."
            error = StoreError(field="refreshToken", message=message, code=ErrorCode.INVALID)
            return RefreshToken(token=None, user=None, errors=[error])
        return RefreshToken(token=auth.create_token(user), user=to_user(user), errors=[])

    @strawberry.mutation(description="Create a customer account.")
    def account_register(self, input: AccountRegisterInput) -> AccountRegister:
        try:
            user = services.register_customer(input.email, input.password)
        except StoreInputError as error:
            return AccountRegister(user=None, errors=[store_error(error)])
        return AccountRegister(user=to_user(user), errors=[])

    @strawberry.mutation(description="Start a checkout; a signed-in customer's is theirs and uses their email.")
    def checkout_create(self, info: Info, input: CheckoutCreateInput) -> CheckoutCreate:
        user = request_user(info)
        try:
            item = services.create_checkout(
                user=user,
                channel_slug=input.channel,
                email=input.email,
                lines=line_changes(input.lines),
                address=input.shipping_address.to_fields() if input.shipping_address else None,
            )
        except StoreInputError as error:
            return CheckoutCreate(checkout=None, errors=[store_error(error)])
        return CheckoutCreate(checkout=load_checkout(str(item.pk), user), errors=[])

    @strawberry.mutation(description="Set line quantities: new products are added, a quantity of 0 removes.")
    def checkout_lines_update(
        self, info: Info, id: strawberry.ID, lines: list[CheckoutLineInput]
    ) -> CheckoutLinesUpdate:
        def change(item: models.Checkout) -> None:
            services.update_lines(item, line_changes(lines))

        found, errors = change_checkout(info, id, change)
        return CheckoutLinesUpdate(checkout=found, errors=errors)

    @strawberry.mutation(description="Replace the shipping address.")
    def checkout_shipping_address_update(
        self, info: Info, id: strawberry.ID, shipping_address: AddressInput
    ) -> CheckoutShippingAddressUpdate:
        def change(item: models.Checkout) -> None:
            services.update_shipping_address(item, shipping_address.to_fields())

        found, errors = change_checkout(info, id, change)
        return CheckoutShippingAddressUpdate(checkout=found, errors=errors)

    @strawberry.mutation(description="Choose one of the checkout channel's delivery methods.")
    def checkout_delivery_method_update(
        self, info: Info, id: strawberry.ID, delivery_method_id: strawberry.ID
    ) -> CheckoutDeliveryMethodUpdate:
        def change(item: models.Checkout) -> None:
            pk = decode_pk(delivery_method_id, "DeliveryMethod", field="deliveryMethodId")
            services.set_delivery_method(item, pk)

        found, errors = change_checkout(info, id, change)
        return CheckoutDeliveryMethodUpdate(checkout=found, errors=errors)
