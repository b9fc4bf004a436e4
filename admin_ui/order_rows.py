"""The COD orders list's rows as HTML, one ``format_html`` per row, for Django's own results template.

The admin builds a list cell by cell through its generic display code (a field lookup, a display function, a URL
reversed and its filters preserved, per cell or row): two thirds of the page's time for 100 rows of nine columns
(bench/README.md). The cells here show what ``CodOrderAdmin.list_display`` names, which still gives the headers and
their sorting. The cells' words and formats are the admin's display methods'."""

from django.contrib.admin.templatetags.admin_list import ResultList, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from cod_plugin import labels

from .order_filters import channel_names_for


class OrderRows:
    ROW = (
        '<td class="action-checkbox"><input type="checkbox" name="_selected_action" value="{}" class="action-select" '
        'aria-label="{}"></td>'
        '<th class="field-order_number"><a href="{}">{}</a><span class="cod-phone" dir="ltr">{}</span></th>'
        '<td class="field-channel_name">{}</td><td class="field-status">{}</td><td class="field-region">{}</td>'
        '<td class="field-courier">{}</td><td class="field-to_collect">{}</td><td class="field-flags">{}</td>'
        '<td class="field-appointment">{}</td><td class="field-created">{}</td>'
    )
    PK = "__pk__"
    SELECT_FOR_ACTION = "Select this object for an action - {}"  # the row checkbox's label, in Django's own words

    def __init__(self, changelist, request):
        self.changelist = changelist
        self.request = request
        self.model_admin = changelist.model_admin
        self.empty = changelist.model_admin.get_empty_value_display()
        self.select = gettext(self.SELECT_FOR_ACTION)

    def attach(self) -> None:
        """Give the changelist what the results template reads: headers, rows, how many columns are sorted."""
        changelist = self.changelist
        changelist.cod_headers = list(result_headers(changelist))
        changelist.cod_sorted_fields = sum(1 for h in changelist.cod_headers if h["sortable"] and h["sorted"])
        link = self.link()
        rows = list(changelist.result_list)
        channels = channel_names_for(self.request, {order.channel for order in rows})
        changelist.cod_results = [ResultList(None, [self.row(order, link, channels)]) for order in rows]

    def link(self) -> str:
        """The order page's URL with the list's filters preserved, reversed once with a placeholder for the pk."""
        url = reverse("admin:cod_plugin_codorder_change", args=[self.PK])
        context = {"preserved_filters": self.changelist.preserved_filters, "opts": self.changelist.opts}
        return add_preserved_filters(context, url)

    def row(self, order, link: str, channels: dict[str, str]):
        admin_ = self.model_admin
        return format_html(
            self.ROW,
            order.pk,
            self.select.format(order.order_number),
            link.replace(self.PK, str(order.pk), 1),
            order.order_number,
            order.phone,
            admin_.channel_name(order, channels),
            labels.status(order.status),
            admin_.region(order),
            order.courier.name if order.courier_id else self.empty,
            admin_.to_collect(order),
            admin_.flags(order),
            admin_.appointment(order),
            admin_.created(order),
        )
