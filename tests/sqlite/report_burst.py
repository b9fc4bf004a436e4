"""Run inside the sandbox (``python -m tests.sqlite.report_burst PK...``): each order's status, its claim and its
courier's payment record, as JSON."""

import json
import sys


def main(pks: list[int]) -> None:
    import django

    django.setup()
    from cod_plugin.models import CodOrder, CodPaymentClaim, CodPaymentRecord

    claims = dict(CodPaymentClaim.objects.filter(order_id__in=pks).values_list("order_id", "reference"))
    records = dict(CodPaymentRecord.objects.filter(order_id__in=pks).values_list("order_id", "receipt"))
    report = {
        str(pk): {"status": status, "claim": claims.get(pk), "record": records.get(pk)}
        for pk, status in CodOrder.objects.filter(pk__in=pks).values_list("pk", "status")
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main([int(pk) for pk in sys.argv[1:]])
