"""The job page: a job's status, its progress bar (refreshed every 2 seconds from a small JSON endpoint), its counts
and, for an export, the file, for the import of a report its rows in error and its remittance (``cash_jobs``);
with the user's recent jobs. Only the user who started a job, or a superuser, sees
it; anyone else is answered as for a job that does not exist."""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.flows import jobs
from cod_plugin.models import CodJob
from cod_plugin.permissions import may

from . import cash_jobs
from .base import ReadOnlyAdmin
from .bulk import EXPORT

RECENT = 10
FINISHED = (CodJob.Status.DONE, CodJob.Status.FAILED)
COUNT_LABELS = {
    jobs.EXPORTED: _("Orders exported"),
    jobs.MISSING: _("Orders no longer found"),
    jobs.ASSIGNED: _("Handed to the courier"),
    jobs.ALREADY_WITH_COURIER: _("Already with this courier"),
    jobs.NOT_CONFIRMED: _("Not handed over: not waiting to be shipped (only confirmed orders are handed over)"),
    jobs.HAS_TRACKING_NUMBER: _("Not handed over: already has a tracking number"),
    jobs.COURIER_UNAVAILABLE: _("Not handed over: the courier is inactive or does not serve the order's channel"),
}


def visible_jobs(user):
    """The jobs ``user`` may see, without the exported files."""
    visible = CodJob.objects.defer("file_content", "params")
    return visible if user.is_superuser else visible.filter(created_by=user)


def progress(job: CodJob) -> dict:
    """What the page shows of a job, as text ready to show (the JSON endpoint answers the same)."""
    if job.total:
        ratio = Decimal(job.done) / job.total
    else:
        ratio = Decimal(1 if job.status == CodJob.Status.DONE else 0)
    downloadable = job.kind == CodJob.Kind.EXPORT_ORDERS and job.status == CodJob.Status.DONE
    importing = job.kind == CodJob.Kind.IMPORT_REMITTANCE
    labels, order = (cash_jobs.COUNT_LABELS, cash_jobs.count_order) if importing else (COUNT_LABELS, None)
    of = gettext("%(done)s of %(total)s rows") if importing else gettext("%(done)s of %(total)s orders")
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": formatting.percent(ratio),
        "done_text": of % {"done": job.done, "total": job.total},
        "counts": [
            {"label": str(labels.get(key, key)), "value": job.counts[key]} for key in sorted(job.counts, key=order)
        ],
        "finished": job.status in FINISHED,
        "error": job.error,
        "download_url": reverse("admin:cod_plugin_codjob_download", args=[job.pk]) if downloadable else None,
    }


@admin.register(CodJob)
class CodJobAdmin(ReadOnlyAdmin):
    """Every staff member has a jobs page, listing their own jobs; a job's page is its owner's."""

    class Media:
        css = {"all": ("admin_ui/cod.css", "admin_ui/cash.css")}

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        user = request.user
        owner = obj is None or user.is_superuser or obj.created_by_id == user.pk
        return self.has_module_permission(request) and owner

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("", wrap(self.changelist_view), name=f"{name}_changelist"),
            path("<int:pk>/", wrap(self.job_view), name=f"{name}_change"),
            path("<int:pk>/progress/", wrap(self.progress_view), name=f"{name}_progress"),
            path("<int:pk>/download/", wrap(self.download_view), name=f"{name}_download"),
        ]

    def job_of(self, request, pk: int) -> CodJob:
        job = visible_jobs(request.user).filter(pk=pk).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404(gettext("No such job."))
        return job

    def changelist_view(self, request, extra_context=None):
        return self.page(request, None)

    def job_view(self, request, pk):
        return self.page(request, self.job_of(request, pk))

    def page(self, request, job: CodJob | None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        mine = CodJob.objects.defer("file_content", "params").filter(created_by=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job) if job else _("COD jobs"),
            "media": self.media,
            "job": job,
            "progress": progress(job) if job else None,
            "imported": cash_jobs.import_result(job) if job and job.kind == CodJob.Kind.IMPORT_REMITTANCE else None,
            "recent": mine.order_by("-created_at", "-pk")[:RECENT],
            "poll_url": reverse("admin:cod_plugin_codjob_progress", args=[job.pk]) if job else "",
        }
        return TemplateResponse(request, "admin_ui/jobs/job.html", context)

    def progress_view(self, request, pk):
        return JsonResponse(progress(self.job_of(request, pk)))

    def download_view(self, request, pk):
        job = self.job_of(request, pk)
        if not may(request.user, EXPORT):
            raise PermissionDenied
        if not progress(job)["download_url"]:
            raise Http404(gettext("This job has no file to download."))
        content = CodJob.objects.filter(pk=job.pk).values_list("file_content", flat=True).get()
        # the byte order mark lets spreadsheets read the file as UTF-8 (Arabic names, currency signs)
        response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
        return response
