"""Long work run by a task, with its progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CodJob(models.Model):
    """Long work on many orders, run by a task in chunks: its progress, counts and result, shown to whoever started
    it. An export keeps its CSV in the row: the web process that serves the download and the worker that wrote it
    share the database, not necessarily a file storage."""

    class Kind(models.TextChoices):
        EXPORT_ORDERS = "export_orders", _("Export of orders (CSV)")
        ASSIGN_COURIER = "assign_courier", _("Orders handed to a courier")
        IMPORT_REMITTANCE = "import_remittance", _("Import of a courier's remittance report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    file_name = models.CharField(_("file name"), max_length=100, blank=True)
    file_content = models.TextField(blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("COD job")
        verbose_name_plural = _("COD jobs")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
