"""A courier's report uploaded by finance and imported by a task: ``upload`` keeps the file once per courier (by
its SHA-256), ``start_import`` queues the job, ``run_import`` (the task) streams the file into the staging table
in chunks, committing each with the job's progress, then applies it in one transaction, so a worker killed on
the way leaves no remittance, and the job runs again from the start.

Who runs a job is decided by ``jobs.running``: claimed from queued once, or on PostgreSQL taken over from a worker
that died (its advisory lock went with its connection); a run taken over starts again, clearing the staging rows
the dead worker left."""

import hashlib
import logging
import os
import uuid
from itertools import islice

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodJob, CodRemittanceFile, CourierReportMapping
from ..rules import bounds
from ..rules.reconciliation import LineStatus
from . import enqueue, jobs
from . import remittance_staging as staging
from .remittance_lines import Header, check_header, check_line, schedule_of
from .remittance_record import record, replay
from .report_files import ParsedRow, open_report, row_error

log = logging.getLogger("cod_plugin")
MAX_FILE_BYTES = 64 * 1024 * 1024
CHUNK_ROWS = 10_000  # rows staged and committed at a time: the progress bar moves, memory stays flat
MAX_ERRORS = 1000  # row errors kept on the job; the count of rejected rows has them all


def upload(courier, django_file, *, reference, remitted_on, currency, net, user) -> CodRemittanceFile:
    """Keep the report ``django_file`` of ``courier``; the same file of the same courier again returns the first
    upload (the unique constraint decides between two at once)."""
    header = check_header(Header(reference=reference, remitted_on=remitted_on, currency=currency, net=net))
    name = bounds.text(os.path.basename(django_file.name or "report"), field="file", max_length=255, required=True)
    size = django_file.size or 0
    if size > MAX_FILE_BYTES:
        message = _("A report file has at most %(count)d MB.") % {"count": MAX_FILE_BYTES // (1024 * 1024)}
        raise CodError(CodErrorCode.INVALID, message, field="file")
    digest = sha256_of(django_file)
    first = CodRemittanceFile.objects.filter(courier=courier, sha256=digest).first()
    if first is not None:
        return first
    replay(courier, header.reference, digest)
    made = CodRemittanceFile(
        courier=courier,
        name=name,
        sha256=digest,
        size=size,
        reference=header.reference,
        remitted_on=header.remitted_on,
        currency=header.currency,
        net=header.net,
        uploaded_by=user,
    )
    django_file.seek(0)
    made.file.save(name, django_file, save=False)
    try:
        with transaction.atomic():
            made.save()
    except IntegrityError:
        made.file.delete(save=False)
        return CodRemittanceFile.objects.get(courier=courier, sha256=digest)
    return made


def sha256_of(django_file) -> str:
    digest = hashlib.sha256()
    django_file.seek(0)
    for chunk in django_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def start_import(upload: CodRemittanceFile, *, user, apply_valid_rows: bool = False) -> CodJob:
    """A queued import of ``upload``; its task is sent when the caller's transaction commits."""
    job = CodJob.objects.create(
        kind=CodJob.Kind.IMPORT_REMITTANCE,
        created_by=user,
        language=translation.get_language() or "",
        params={"file": upload.pk, "apply_valid_rows": bool(apply_valid_rows), "actor": user.get_username()},
        file_name=upload.name[:100],
        counts=fresh_counts(),
    )
    enqueue.on_commit("import_remittance", job.pk)
    return job


def fresh_counts() -> dict[str, int]:
    return {"read": 0, "matched": 0, "rejected": 0, **dict.fromkeys(LineStatus.values, 0)}


def run_import(job_pk: int) -> str:
    """Run an import job to its end (see the module's docstring); returns what this call did."""
    with jobs.running(job_pk) as claimed:
        if not claimed:
            return "not_claimed"
        job = CodJob.objects.get(pk=job_pk)
        with translation.override(job.language or None):
            return Import(job).run()


class Import:
    """One run of an import job: read, stage, match, then apply or refuse."""

    def __init__(self, job: CodJob):
        self.job = job
        self.apply_valid_rows = bool(job.params.get("apply_valid_rows"))
        self.actor = job.params.get("actor", "")
        self.counts = fresh_counts()
        self.errors: list[dict] = []
        self.token = str(uuid.uuid4())
        self.staged = 0  # rows written to the staging table
        self.reference_column = "reference"  # the file's name for it, once the file is open

    def run(self) -> str:
        staging.clear(job_pk=self.job.pk)
        try:
            upload = CodRemittanceFile.objects.select_related("courier").get(pk=self.job.params["file"])
            with staging.import_settings():
                result = self.work(upload)
        except CodError as error:
            return self.finish(CodJob.Status.FAILED, error=error.message, errors=[row_error(0, error)])
        except Exception:
            log.exception("COD import job %s failed", self.job.pk)
            message = _("The import stopped on an unexpected error. Nothing of the file was applied.")
            return self.finish(CodJob.Status.FAILED, error=message)
        finally:
            staging.clear(job_pk=self.job.pk)
        return self.finish(CodJob.Status.DONE, **result)

    def work(self, upload: CodRemittanceFile) -> dict:
        courier = upload.courier
        mapping = CourierReportMapping.objects.filter(courier=courier).first()
        if mapping is None:
            message = _("Set the column mapping of %(courier)s first.") % {"courier": courier}
            raise CodError(CodErrorCode.MISSING_COLUMN, message, field="mapping")
        header = Header(upload.reference, upload.remitted_on, upload.currency, net=upload.net)
        existing = replay(courier, header.reference, upload.sha256)
        if existing is not None:
            return {"remittance": existing.pk}
        self.stage(upload, mapping, schedule_of(courier))
        staging.analyze()
        unmatched = staging.match(token=self.token, courier_pk=courier.pk, unmatched=self.staged)
        self.reject_problems(header.currency, courier.pk)
        if self.counts["rejected"] and not self.apply_valid_rows:
            return {"refused": True}
        if self.counts["read"] == self.counts["rejected"]:
            raise CodError(CodErrorCode.EMPTY_REMITTANCE, _("The file has no line to record."), field="file")
        if self.counts["rejected"]:
            staging.drop_problems(token=self.token, currency=header.currency, strict=False, courier_pk=courier.pk)
            header = Header(header.reference, header.remitted_on, header.currency)  # rows left out: no net to check
        remittance, _created = record(
            courier,
            header,
            fingerprint=upload.sha256,
            load=lambda: None,
            token=self.token,
            strict=False,
            source="file",
            actor=self.actor,
            field_of=lambda row: "file",
            file=upload,
            checked=True,
            unmatched=unmatched,
        )
        # "matched" is both the contract's count of matched rows and LineStatus.MATCHED's: lines matched exactly
        self.counts.update(staging.status_counts(remittance))
        return {"remittance": remittance.pk}

    def stage(self, upload: CodRemittanceFile, mapping: CourierReportMapping, schedule) -> None:
        """Stream the rows into the staging table, CHUNK_ROWS at a time, each chunk committed with the progress;
        no chunk is ever held as a list: the rows go from the file through the checks into COPY one by one."""
        with upload.file.open("rb") as file, open_report(file, mapping, currency=upload.currency, count=True) as report:
            self.progress(total=report.estimate)
            self.reference_column = report.field_header("reference")
            rows = report.rows()
            while True:
                before = self.counts["read"]
                lines = (self.checked(row, report, schedule) for row in islice(rows, CHUNK_ROWS))
                self.staged += staging.load(
                    (line for line in lines if line is not None), token=self.token, job_pk=self.job.pk
                )
                if self.counts["read"] == before:
                    return
                self.progress()

    def checked(self, parsed: ParsedRow, report, schedule):
        self.counts["read"] += 1
        if parsed.errors:
            return self.reject(parsed.errors)
        try:
            return check_line(parsed.line, currency=report.currency, schedule=schedule, field="", amounts_checked=True)
        except CodError as error:
            name = (error.field or "").lstrip(".")
            error.field = report.field_header(name)
            return self.reject([row_error(parsed.row, error)])

    def reject(self, errors: list[dict]) -> None:
        self.counts["rejected"] += 1
        self.errors.extend(errors[: MAX_ERRORS - len(self.errors)])

    def reject_problems(self, currency: str, courier_pk: int) -> None:
        for problem in staging.problems(token=self.token, currency=currency, strict=False, courier_pk=courier_pk):
            error = staging.refuse(problem, field=self.reference_column)
            self.reject([row_error(problem.row, error)])

    def progress(self, *, total: int | None = None) -> None:
        fields = {"done": self.counts["read"], "counts": self.counts}
        if total is not None:
            fields["total"] = total
        CodJob.objects.filter(pk=self.job.pk).update(**fields)

    def finish(self, status: str, *, error: str = "", errors: list | None = None, **result) -> str:
        params = {**self.job.params, "errors": (errors or []) + self.errors, **result}
        read = self.counts["read"]
        CodJob.objects.filter(pk=self.job.pk).update(
            status=status,
            finished_at=timezone.now(),
            done=read,
            total=max(read, 0) if status == CodJob.Status.DONE else self.job.total,
            counts=self.counts,
            params=params,
            error=error[:255],
        )
        return status
