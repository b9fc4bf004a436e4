"""The transaction that records a remittance from lines being staged: under the courier's row lock, a replay
answered (same reference, same fingerprint) or refused (other content), the lines loaded, matched, refused whole
on the first row that cannot be recorded, and turned into the remittance's lines and exceptions."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodRemittance, CodRemittanceFile, Courier
from . import remittance_staging as staging
from .remittance_lines import Header


def record(
    courier: Courier,
    header: Header,
    *,
    fingerprint: str,
    load,
    token: str,
    strict: bool,
    source: str,
    actor: str,
    field_of,
    file: CodRemittanceFile | None = None,
    checked: bool = False,
) -> tuple[CodRemittance, bool]:
    """In one transaction under the courier's row lock: the replay answered, else ``load()`` stages the lines,
    they are matched, the first row that cannot be recorded refuses the whole (its CodError names the field
    ``field_of(row)`` gives; ``checked``: the caller has dealt with such rows already), and the remittance is
    made from the staged rows."""
    with transaction.atomic():
        locked = Courier.objects.select_for_update().get(pk=courier.pk)
        existing = replay(locked, header.reference, fingerprint)
        if existing is not None:
            return existing, False
        load()
        staging.match(token=token, courier_pk=locked.pk)
        if not checked:
            problem = next(
                staging.problems(token=token, currency=header.currency, strict=strict, courier_pk=locked.pk, limit=1),
                None,
            )
            if problem is not None:
                raise staging.refuse(problem, field=field_of(problem.row))
        remittance = CodRemittance.objects.create(
            courier=locked,
            reference=header.reference,
            remitted_on=header.remitted_on,
            currency=header.currency,
            source=source,
            file=file,
            fingerprint=fingerprint,
            created_by=actor,
        )
        staging.apply(remittance, token=token)
        check_net(remittance, header)
    return remittance, True


def replay(courier: Courier, reference: str, fingerprint: str) -> CodRemittance | None:
    """The remittance already recorded under this reference when it is the same; DUPLICATE_REFERENCE when not."""
    existing = CodRemittance.objects.filter(courier=courier, reference=reference).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        message = _("The remittance %(reference)s is already recorded, with other content.") % {"reference": reference}
        raise CodError(CodErrorCode.DUPLICATE_REFERENCE, message, field="reference")
    return existing


def check_net(remittance: CodRemittance, header: Header) -> None:
    """The net given against the lines recorded (a file's rows left out change it: then it is not given)."""
    if header.net is not None and header.net != remittance.net:
        message = _("The net %(net)s is not the total less the deductions, %(expected)s.")
        raise CodError(
            CodErrorCode.NET_MISMATCH, message % {"net": header.net, "expected": remittance.net}, field="net"
        )
