"""The customer's "Paid" click from oscar's account order page: a claim with the courier's receipt number, made
through the plugin (repeated clicks make one claim; only the courier's record completes the order)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from cod_plugin import api

from .forms import PaidForm

Order = get_model("order", "Order")


@login_required
@require_POST
def paid(request, order_number: str):
    order = get_object_or_404(Order, number=order_number, user=request.user)
    cod_order = api.order_for(str(order.pk))
    if cod_order is None:
        return redirect("customer:order", order_number=order_number)
    form = PaidForm(request.POST, request.FILES, methods=cod_order.collection_methods)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, _("%(field)s: %(error)s") % {"field": form[name].label, "error": error})
        return redirect("customer:order", order_number=order_number)
    try:
        api.claim_paid(
            str(order.pk),
            context=api.HostContext.of(request),
            reference=form.cleaned_data["reference"],
            method=form.cleaned_data["method"],
            image=form.cleaned_data["photo"],
        )
    except api.CodError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: we will check the payment with the courier."))
    return redirect("customer:order", order_number=order_number)
