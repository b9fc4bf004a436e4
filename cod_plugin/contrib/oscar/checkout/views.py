"""Oscar's payment step and preview with Cash on Delivery.

The payment step offers COD only while the plugin says the basket is eligible and otherwise shows every reason;
choosing it leads straight to the preview (there are no payment details to enter), where the fee is oscar's
surcharge and the COD terms must be accepted. Placing goes through oscar's own machinery (``place_order``, the
basket's submission, the confirmation email, the thank-you page) called from inside the plugin's
``api.register_order``, so the store order and the COD order are written in one transaction, once.

The COD part is two mixins, so a shop that has its own checkout fork (a card gateway, say) puts them in front of its
own views: ``class PaymentMethodView(CodPaymentMethodMixin, MyPaymentMethodView)``, the same for the details view.
A method other than COD goes to the view behind the mixin (and the session forgets COD); this app's own views put
the mixins in front of oscar's, which have no other method.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import views
from oscar.core.loading import get_class

from cod_plugin import api

from . import cod, placement

FailedPreCondition = get_class("checkout.exceptions", "FailedPreCondition")


class CodPaymentMethodMixin:
    """The payment step with COD offered while the basket is eligible (every reason shown when it is not)."""

    template_name = "oscar/checkout/payment_method.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if request.POST.get("payment_method") != cod.METHOD:
            cod.unchoose(request)
            other = getattr(super(), "post", None)  # the shop's own methods, when its view has any
            if other is not None:
                return other(request, *args, **kwargs)
            return self.render_to_response(self.get_context_data(error=_("Choose how you will pay.")))
        result = cod.check(request, request.basket)
        if result is None or not result.is_eligible:
            return self.render_to_response(self.get_context_data())
        cod.choose(request)
        return redirect("checkout:preview")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cod"] = cod.check(self.request, self.request.basket)
        ctx["cod_method"] = cod.METHOD
        return ctx


class CodPaymentDetailsMixin:
    """The preview and placing of a COD order; any other method is the view behind it's to handle."""

    def dispatch(self, request, *args, **kwargs):
        if cod.is_chosen(request):
            placement.load_basket(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.preview and cod.is_chosen(request):
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def check_payment_data_is_captured(self, request):
        """COD needs no payment details; any other method is checked by the view behind."""
        if not cod.is_chosen(request):
            super().check_payment_data_is_captured(request)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if cod.is_chosen(self.request):
            ctx["cod"] = cod.check(self.request, ctx["basket"])
        return ctx

    def handle_place_order_submission(self, request):
        if not cod.is_chosen(request):
            return super().handle_place_order_submission(request)
        version = accepted_terms_version(request.POST)
        if version is None:
            error = _("Accept the Cash on Delivery terms to place the order.")
            return self.render_preview(request, cod_terms_error=error)
        return self.submit(**self.build_submission(payment_kwargs={"cod_terms_version": version}))

    def submit(self, **submission):
        """Oscar's submission (``build_submission``): COD places through the plugin, anything else as oscar does."""
        if not cod.is_chosen(self.request):
            return super().submit(**submission)
        version = submission["payment_kwargs"]["cod_terms_version"]
        try:
            order, created = placement.place(self, placement.Submission.of(submission), accepted_terms_version=version)
        except api.CodError as error:
            cod.forget(self.request)
            reasons = [(str(reason.code), reason.message) for reason in error.reasons]
            return self.render_preview(self.request, error=error.message, cod_reasons=reasons)
        return self.handle_successful_order(order) if created else self.show_placed(order)

    def show_placed(self, order):
        """An earlier submission placed this basket's order: its thank-you page again, without a second email or
        ``post_checkout`` signal."""
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.id
        return redirect(self.get_success_url())


def accepted_terms_version(data) -> int | None:
    """The terms version the customer ticked on the preview, or None when the box was not ticked."""
    if data.get("accept_cod_terms") != "on":
        return None
    try:
        return int(data.get("cod_terms_version", ""))
    except ValueError:
        return None


class PaymentMethodView(CodPaymentMethodMixin, views.PaymentMethodView):
    pass


class PaymentDetailsView(CodPaymentDetailsMixin, views.PaymentDetailsView):
    def check_payment_data_is_captured(self, request):
        """Oscar's own view has no other method: the preview needs COD chosen on the payment step."""
        if not cod.is_chosen(request):
            raise FailedPreCondition(url=reverse("checkout:payment-method"), message=_("Choose how you will pay."))
