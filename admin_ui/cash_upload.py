"""Uploading a courier's remittance report: the upload form, then the mapping and preview page (the courier's
column mapping, made on first use and reused, checked on the file's first rows as the import reads them), then
the import, a job whose page follows it. Routes of the remittances admin (``cash_remittances``)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cod_plugin.error_codes import CodError
from cod_plugin.flows import remittances
from cod_plugin.models import CodRemittance, CodRemittanceFile, CourierReportMapping

from .cash_base import UPLOAD
from .cash_preview import PreviewTable, preview_table
from .cash_upload_forms import DELIMITERS, MappingForm, UploadForm


class UploadViews:
    """The upload's routes, mixed into the remittances admin (a ``CashAdmin``)."""

    def upload_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("upload/", wrap(self.upload_view), name=f"{prefix}_upload"),
            path("upload/<int:file_pk>/", wrap(self.mapping_view), name=f"{prefix}_mapping"),
            path("upload/<int:file_pk>/import/", wrap(require_POST(self.import_view)), name=f"{prefix}_import"),
        ]

    def upload_view(self, request):
        self.require(request, UPLOAD)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = self.store(request, form)
            if upload is not None:
                return self.after_upload(request, upload)
        context = {"title": _("Upload a courier's remittance report"), "form": form}
        return self.render(request, "upload.html", {**context, "changelist_url": self.own_url("changelist")})

    def store(self, request, form: UploadForm) -> CodRemittanceFile | None:
        data = form.cleaned_data
        try:
            return remittances.upload(
                data["courier"],
                data["report"],
                reference=data["reference"],
                remitted_on=data["remitted_on"],
                currency=data["currency"],
                net=data["net"],
                user=request.user,
            )
        except CodError as error:
            form.add_error(None, error.message)
            return None

    def after_upload(self, request, upload: CodRemittanceFile):
        made = self.made_from(upload)
        if made is not None:
            messages.info(request, gettext("This file was imported already: nothing more was done."))
            return HttpResponseRedirect(self.own_url("change", made.pk))
        return HttpResponseRedirect(self.own_url("mapping", upload.pk))

    def made_from(self, upload: CodRemittanceFile) -> CodRemittance | None:
        return CodRemittance.objects.filter(file=upload).first()

    def mapping_view(self, request, file_pk: int):
        self.require(request, UPLOAD)
        upload = get_object_or_404(CodRemittanceFile.objects.select_related("courier"), pk=file_pk)
        made = self.made_from(upload)
        if made is not None:
            messages.info(request, gettext("This file was imported already: nothing more was done."))
            return HttpResponseRedirect(self.own_url("change", made.pk))
        mapping = CourierReportMapping.objects.filter(courier=upload.courier).first()
        mapping = mapping or CourierReportMapping(courier=upload.courier)
        posted = request.POST if request.method == "POST" else None
        table = self.read(upload, mapping, posted)
        form = MappingForm(posted, instance=mapping, header=table.header)
        if posted is not None and form.is_valid():
            # the form has put the chosen columns in ``mapping``; the buttons save it, or save it and import
            if posted.get("do") in ("save", "import"):
                mapping = form.save()
            if posted.get("do") == "import":
                return self.start(request, upload, apply_valid_rows=False)
            if posted.get("do") == "save":
                messages.success(request, gettext("The mapping of %(courier)s is saved.") % {"courier": upload.courier})
            table = preview_table(upload, mapping)
        context = {
            "title": gettext("Map the columns of %(name)s") % {"name": upload.name},
            "upload": upload,
            "form": form,
            "preview": table,
            "saved": mapping.pk is not None,
            "changelist_url": self.own_url("changelist"),
        }
        return self.render(request, "mapping.html", context)

    def read(self, upload: CodRemittanceFile, mapping: CourierReportMapping, posted) -> PreviewTable:
        """The file's first rows as the mapping reads them, with the delimiter just chosen, if any."""
        delimiter = (posted or {}).get("delimiter")
        if delimiter in dict(DELIMITERS):
            mapping.delimiter = delimiter
        return preview_table(upload, mapping)

    def import_view(self, request, file_pk: int):
        """Import a file with its courier's saved mapping; ``apply_valid_rows`` leaves out the rows in error."""
        self.require(request, UPLOAD)
        upload = get_object_or_404(CodRemittanceFile, pk=file_pk)
        return self.start(request, upload, apply_valid_rows=request.POST.get("apply_valid_rows") == "1")

    def start(self, request, upload: CodRemittanceFile, *, apply_valid_rows: bool):
        made = self.made_from(upload)
        if made is not None:
            messages.info(request, gettext("This file was imported already: nothing more was done."))
            return HttpResponseRedirect(self.own_url("change", made.pk))
        try:
            job = remittances.start_import(upload, user=request.user, apply_valid_rows=apply_valid_rows)
        except CodError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.own_url("mapping", upload.pk))
        return HttpResponseRedirect(self.admin_url("cod_plugin_codjob_change", job.pk))
