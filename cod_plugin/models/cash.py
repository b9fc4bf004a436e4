"""Courier cash: remittances and their lines, the files they come from, each courier's column mapping, bank
deposits and statement lines, and the reconciliation exceptions finance works through.

A remittance is the courier's statement that it paid over the cash of some orders: per line the cash collected,
the courier's deductions and what it remitted; in all, a total (the sum of the lines' collected cash), deductions
by kind and the net it deposits. Each line is matched to an order of that courier (by order number or tracking
number) and given a status (``rules.reconciliation.LineStatus``); a line that counts as the order's remittance is
``counted``, and an order is counted once (a unique constraint), so a second line for it is "remitted twice"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..rules.reconciliation import ExceptionKind, LineStatus, Outcome
from .base import AMOUNT


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, default=0, **AMOUNT, **kwargs)


class CourierReportMapping(models.Model):
    """How one courier's remittance report reads: which column holds what, and how its numbers and dates are
    written. Set once by finance, previewed on a file's first rows and used for every file of that courier."""

    class DecimalMark(models.TextChoices):
        POINT = ".", _("1,234.50 (point)")
        COMMA = ",", _("1.234,50 (comma)")

    courier = models.OneToOneField(
        "Courier", verbose_name=_("courier"), on_delete=models.CASCADE, related_name="report_mapping"
    )
    # The header of each column, as in the file; "" when the file has no such column.
    reference_column = models.CharField(_("order or tracking number column"), max_length=100)
    reference_kind = models.CharField(
        _("the column holds"),
        max_length=16,
        choices=[("tracking", _("tracking numbers")), ("order", _("order numbers"))],
        default="tracking",
    )
    collected_column = models.CharField(_("collected amount column"), max_length=100)
    remitted_column = models.CharField(_("remitted amount column"), max_length=100, blank=True)
    cod_charge_column = models.CharField(_("COD handling charge column"), max_length=100, blank=True)
    shipping_column = models.CharField(_("shipping charge column"), max_length=100, blank=True)
    return_shipping_column = models.CharField(_("return shipping charge column"), max_length=100, blank=True)
    other_column = models.CharField(_("other deductions column"), max_length=100, blank=True)
    date_column = models.CharField(_("collection date column"), max_length=100, blank=True)
    date_format = models.CharField(
        _("date format"), max_length=20, default="%Y-%m-%d", help_text=_("For example %d/%m/%Y for 31/12/2026.")
    )
    decimal_mark = models.CharField(_("decimal mark"), max_length=1, choices=DecimalMark.choices, default=".")
    delimiter = models.CharField(_("CSV delimiter"), max_length=1, default=",")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remittance report mapping")
        verbose_name_plural = _("remittance report mappings")

    def __str__(self):
        return str(self.courier)


class CodRemittanceFile(models.Model):
    """A courier's report as uploaded: kept in the file storage (the worker streams it from there); the same
    file of the same courier twice is one upload (its SHA-256 is unique per courier)."""

    courier = models.ForeignKey("Courier", verbose_name=_("courier"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="cod/remittances/")
    name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    reference = models.CharField(_("remittance reference"), max_length=100)
    remitted_on = models.DateField(_("remitted on"))
    currency = models.CharField(_("currency"), max_length=3)
    net = models.DecimalField(_("net deposited"), null=True, blank=True, **AMOUNT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("remittance file")
        verbose_name_plural = _("remittance files")
        constraints = [models.UniqueConstraint(fields=["courier", "sha256"], name="cod_remittance_file_once")]

    def __str__(self):
        return self.name


class CodRemittance(models.Model):
    class Status(models.TextChoices):
        AWAITING_DEPOSIT = "awaiting_deposit", _("Awaiting the bank deposit")
        SETTLED = "settled", _("Settled")
        DEPOSIT_DIFFERS = "deposit_differs", _("Deposit differs")

    courier = models.ForeignKey(
        "Courier", verbose_name=_("courier"), on_delete=models.PROTECT, related_name="remittances"
    )
    reference = models.CharField(_("courier's reference"), max_length=100)
    remitted_on = models.DateField(_("remitted on"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3)
    total = _money(_("total collected"))
    cod_charge = _money(_("COD handling charges"))
    shipping = _money(_("shipping charges"))
    return_shipping = _money(_("return shipping charges"))
    other_deductions = _money(_("other deductions"))
    net = _money(_("net deposited"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_DEPOSIT)
    source = models.CharField(_("source"), max_length=10, choices=[("api", _("API")), ("file", _("file"))])
    file = models.OneToOneField(
        CodRemittanceFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="remittance"
    )
    # SHA-256 of what was received (the API's input, or the file): the same reference again with the same content
    # is a replay and changes nothing; with other content it is refused.
    fingerprint = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    open_exceptions = models.PositiveIntegerField(_("open exceptions"), default=0)
    deposited_amount = models.DecimalField(_("deposited amount"), null=True, blank=True, **AMOUNT)
    deposited_on = models.DateField(_("deposited on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    created_by = models.CharField(_("recorded by"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("remittance")
        verbose_name_plural = _("remittances")
        constraints = [models.UniqueConstraint(fields=["courier", "reference"], name="cod_remittance_once")]
        permissions = [("reconcile_cod_cash", _("Can reconcile COD cash (remittances, deposits, exceptions)"))]

    def __str__(self):
        return f"{self.courier_id}:{self.reference}"

    @property
    def deductions(self):
        return self.cod_charge + self.shipping + self.return_shipping + self.other_deductions


class CodRemittanceLine(models.Model):
    """One line of a remittance: what it names, the order it matched and how it stands."""

    remittance = models.ForeignKey(CodRemittance, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField(_("row"))
    reference = models.CharField(_("order or tracking number"), max_length=64)
    order = models.ForeignKey(
        "CodOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="remittance_lines"
    )
    expected = models.DecimalField(_("amount to collect"), null=True, blank=True, **AMOUNT)
    collected = _money(_("collected"))
    cod_charge = _money(_("COD handling charge"))
    shipping = _money(_("shipping charge"))
    return_shipping = _money(_("return shipping charge"))
    other_deductions = _money(_("other deductions"))
    remitted = _money(_("remitted"))
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LineStatus.choices)
    counted = models.BooleanField(_("counts as the order's remittance"), default=False)

    class Meta:
        verbose_name = _("remittance line")
        verbose_name_plural = _("remittance lines")
        ordering = ["remittance", "row"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(counted=True), name="cod_order_remitted_once"),
            models.UniqueConstraint(fields=["remittance", "row"], name="cod_remittance_line_row"),
        ]

    def __str__(self):
        return f"{self.remittance} #{self.row}"

    @property
    def deductions(self):
        return self.cod_charge + self.shipping + self.return_shipping + self.other_deductions


class CodBankStatementLine(models.Model):
    """A credit on the shop's bank statement, as imported; matched to the remittance it deposits."""

    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("bank reference"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    remittance = models.ForeignKey(
        CodRemittance, null=True, blank=True, on_delete=models.SET_NULL, related_name="statement_lines"
    )
    imported_by = models.CharField(_("imported by"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        constraints = [
            models.UniqueConstraint(fields=["booked_on", "reference", "amount"], name="cod_statement_line_once")
        ]

    def __str__(self):
        return f"{self.booked_on} {self.reference}"


class CodReconciliationException(models.Model):
    """A difference finance must look at: a line that does not match its order, deductions other than agreed, a
    deposit other than the net. Resolved once, with an outcome and a note; who and when are kept."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    courier = models.ForeignKey("Courier", verbose_name=_("courier"), on_delete=models.PROTECT, related_name="+")
    remittance = models.ForeignKey(
        CodRemittance, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    line = models.ForeignKey(
        CodRemittanceLine, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    order = models.ForeignKey(
        "CodOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="cash_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ExceptionKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    expected = models.DecimalField(_("expected"), null=True, blank=True, **AMOUNT)
    actual = models.DecimalField(_("actual"), null=True, blank=True, **AMOUNT)
    difference = models.DecimalField(_("difference"), default=0, **AMOUNT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    resolved_by = models.CharField(_("resolved by"), max_length=255, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation exception")
        verbose_name_plural = _("reconciliation exceptions")
        indexes = [models.Index(fields=["status", "courier", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class CodRemittanceStaging(models.Model):
    """Rows of a remittance being imported, parsed and checked but not yet applied: loaded in bulk (COPY on
    PostgreSQL), matched to orders with joins, then turned into the remittance's lines in one transaction and
    deleted. Rows left by a worker that died belong to their job and are cleared when it runs again."""

    # Unindexed, as the order below: a job's rows are looked for only to clear them, in a table that holds only
    # the imports under way, while every index costs each of the rows a big file stages.
    job = models.ForeignKey("CodJob", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=36)
    row = models.PositiveIntegerField()
    reference = models.CharField(max_length=64)
    by = models.CharField(max_length=8, default="tracking")  # what ``reference`` is: "order" or "tracking"
    collected = models.DecimalField(**AMOUNT)
    cod_charge = models.DecimalField(**AMOUNT)
    shipping = models.DecimalField(**AMOUNT)
    return_shipping = models.DecimalField(**AMOUNT)
    other_deductions = models.DecimalField(**AMOUNT)
    remitted = models.DecimalField(**AMOUNT)
    collected_on = models.DateField(null=True, blank=True)
    # The courier's agreed charge for this line (None without a schedule in its currency), and whether the line's
    # deductions differ from it: decided in Python by the rules, so SQL only carries the answer.
    agreed = models.DecimalField(null=True, blank=True, **AMOUNT)
    charge_differs = models.BooleanField(default=False)
    # No index: only ever read with its row (and an index would make the matching UPDATE of each row write it).
    order = models.ForeignKey(
        "CodOrder", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("remittance row being imported")
        verbose_name_plural = _("remittance rows being imported")
        # One plain index on the token (db_index would add a second, for LIKE, that nothing uses).
        indexes = [models.Index(fields=["token"], name="cod_staging_token")]

    def __str__(self):
        return f"{self.token} #{self.row}"
