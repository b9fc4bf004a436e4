"""Messages to customers."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to a customer; sent at most once, whatever the retries (its key goes to the provider)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey("CodOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, default="sms")
    to = models.CharField(max_length=32)
    sender = models.CharField(max_length=32, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")

    def __str__(self):
        return f"{self.kind} to {self.to}"
