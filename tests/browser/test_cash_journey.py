"""Finance reconciles a courier's report in Chromium: uploads the CSV, maps its columns, watches the import's
progress bar move, opens the remittance, sees its two exceptions (a short payment and an unknown tracking number)
and resolves them; and the cash screens fit a 1366 x 768 window in English and in Arabic."""

import pytest
from django.core.management import call_command

from cod_plugin.flows import remittance_imports, remittances
from cod_plugin.models import CodJob, CodReconciliationException, CodRemittance, Courier, CourierReportMapping
from cod_plugin.rules.reconciliation import LineStatus, Outcome
from tests.admin.cod_orders import make_orders
from tests.graphql.conftest import FIXTURES, PASSWORD

from .conftest import screenshot_path
from .test_admin_journeys import sign_in
from .test_screens import OVERFLOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def store(settings, tmp_path):
    """The demo store; Fastship with three delivered orders, 103.00 USD to collect each, tracked T7001 to T7003."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", *FIXTURES, verbosity=0)
    fastship = Courier.objects.create(
        code="fastship", name="Fastship", webhook_secret="w" * 20, channels=["default-channel"]
    )
    orders = make_orders(3, start=7001, status="delivered", courier=fastship)
    for order in orders:
        order.tracking_number = f"T{order.order_number}"
        order.save(update_fields=["tracking_number"])
    return fastship, orders


@pytest.fixture
def held(monkeypatch):
    """The import tasks the admin sends, kept for the test to run as the worker would."""
    jobs: list[int] = []
    monkeypatch.setattr(remittance_imports.enqueue, "on_commit", lambda name, job_pk: jobs.append(job_pk))
    return jobs


def report(tmp_path) -> str:
    """Fastship's November report: T7001 paid in full, T7002 short by 13.00, and "T7O03", a mistyped T7003."""
    path = tmp_path / "fastship-2026-11.csv"
    path.write_text(
        "AWB,COD Amount,Delivered\nT7001,103.00,28/11/2026\nT7002,90.00,28/11/2026\nT7O03,103.00,29/11/2026\n"
    )
    return str(path)


def run_as_the_worker(page, job_pk: int, monkeypatch) -> None:
    """Run the import a row at a time; after each row the browser's page must show the bar where the job is."""
    from playwright.sync_api import expect

    monkeypatch.setattr(remittance_imports, "CHUNK_ROWS", 1)
    progress = remittance_imports.Import.progress

    def progress_seen(self, *, total=None):
        progress(self, total=total)
        job = CodJob.objects.get(pk=job_pk)
        if 0 < job.done < job.total:
            expect(page.locator("#cod-job-progress")).to_have_attribute("value", str(job.done))
            expect(page.locator("#cod-job-done")).to_have_text(f"{job.done} of {job.total} rows")
            expect(page.locator("#cod-job-status")).to_have_text("Running")
            page.screenshot(path=screenshot_path(f"cash-import-progress-{job.done}"))

    monkeypatch.setattr(remittance_imports.Import, "progress", progress_seen)
    assert remittances.run_import(job_pk) == CodJob.Status.DONE


def test_finance_imports_a_report_and_resolves_its_two_exceptions(
    live_server, page, store, held, tmp_path, monkeypatch
):
    from playwright.sync_api import expect

    fastship, orders = store

    # given finance at the remittances, with Fastship's report at hand
    sign_in(page, live_server, "finance@example.com")
    page.get_by_role("link", name="Remittances", exact=True).click()

    # when finance uploads it
    page.locator("#cod-upload-report").click()
    page.select_option("#id_courier", label="Fastship")
    page.set_input_files("#id_report", report(tmp_path))
    page.fill("#id_reference", "FS-2026-11")
    page.fill("#id_remitted_on", "2026-11-30")
    page.fill("#id_currency", "USD")
    page.get_by_role("button", name="Upload").click()

    # then, Fastship having no mapping yet, the file's own columns are offered; finance maps them and previews
    expect(page.locator("#cod-mapping-new")).to_be_visible()
    page.select_option("#id_reference_column", "AWB")
    page.select_option("#id_collected_column", "COD Amount")
    page.select_option("#id_date_column", "Delivered")
    page.fill("#id_date_format", "%d/%m/%Y")
    page.locator("#cod-mapping-preview").click()
    expect(page.locator("#cod-preview-row-2")).to_contain_text("$103.00")
    expect(page.locator("#cod-preview-row-3")).to_contain_text("$90.00")
    expect(page.locator("#cod-preview-row-4")).to_contain_text("Nov 29, 2026")
    page.screenshot(path=screenshot_path("cash-mapping-preview"), full_page=True)

    # when finance imports it
    page.locator("#cod-mapping-import").click()

    # then the job page waits for its worker, and its bar follows the import row by row
    expect(page.locator("#cod-job-status")).to_have_text("Waiting to start")
    assert CourierReportMapping.objects.get(courier=fastship).reference_column == "AWB"
    [job_pk] = held
    run_as_the_worker(page, job_pk, monkeypatch)

    # and once done the page shows the counts in words and leads to the remittance
    expect(page.locator("#cod-job-remittance")).to_be_visible()
    counts = page.locator("#cod-job-counts")
    expect(counts).to_contain_text("Rows read: 3")
    expect(counts).to_contain_text("Short: less than the amount to collect: 1")
    expect(counts).to_contain_text("Unknown order: 1")
    page.locator("#cod-job-remittance").click()

    # then the remittance shows its two exceptions
    remittance = CodRemittance.objects.get(reference="FS-2026-11")
    exceptions = page.locator("tr.cod-exception")
    expect(exceptions).to_have_count(2)
    short = CodReconciliationException.objects.get(remittance=remittance, kind="short")
    unknown = CodReconciliationException.objects.get(remittance=remittance, kind="unknown")
    expect(page.locator(f"#cod-exception-{short.pk}")).to_contain_text("-$13.00")
    expect(page.locator(f"#cod-exception-{unknown.pk}")).to_contain_text("T7O03")
    page.screenshot(path=screenshot_path("cash-remittance-exceptions"), full_page=True)

    # when finance has Fastship pay the 13.00 back
    form = page.locator(f"#resolve_{short.pk}_form")
    form.locator("select[name=outcome]").select_option(Outcome.COURIER_PAYS_BACK)
    form.locator("input[name=note]").fill("Fastship pays the 13.00 back with December's remittance")
    form.get_by_role("button", name="Resolve").click()
    expect(page.locator(".messagelist .success")).to_have_text("Short payment resolved: Courier to pay back.")

    # and matches the mistyped line by hand to order 7003
    form = page.locator(f"#resolve_{unknown.pk}_form")
    form.locator("select[name=outcome]").select_option(Outcome.MATCHED_BY_HAND)
    form.locator("input[name=note]").fill("T7O03 is T7003 mistyped")
    form.locator("input[name=order_number]").fill("7003")
    form.get_by_role("button", name="Resolve").click()
    expect(page.locator(".messagelist .success")).to_have_text("Unknown order resolved: Matched by hand to an order.")

    # then both show resolved, and the line now pays for order 7003
    expect(page.locator("td.cod-exception-status")).to_have_count(2)
    for pk in (short.pk, unknown.pk):
        expect(page.locator(f"#cod-exception-{pk} .cod-exception-status")).to_contain_text("Resolved")
    expect(page.locator("form.cod-resolve")).to_have_count(0)
    remittance.refresh_from_db()
    assert remittance.open_exceptions == 0
    line = remittance.lines.get(row=4)
    assert (line.order_id, line.status, line.counted) == (orders[2].pk, LineStatus.MATCHED, True)
    page.screenshot(path=screenshot_path("cash-remittance-resolved"), full_page=True)


def log_in(page, live_server, email: str) -> None:
    """Through the admin's own form, in whatever language the browser asks for."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()


def test_the_cash_screens_fit_a_laptop_window_in_english_and_arabic(live_server, browser, store):
    fastship, orders = store
    from tests.cash.remittance_rows import remittance

    made = remittance(
        fastship,
        reference="FS-2026-11-LONG-REFERENCE",
        lines=[
            (orders[0], "103.00", LineStatus.MATCHED),
            (orders[1], "90.00", LineStatus.SHORT),
            (None, "5.00", "unknown"),
        ],
    )
    screens = {
        "remittances": "/admin/cod_plugin/codremittance/",
        "remittance": f"/admin/cod_plugin/codremittance/{made.pk}/change/",
        "exceptions": "/admin/cod_plugin/codreconciliationexception/",
        "upload": "/admin/cod_plugin/codremittance/upload/",
    }
    overflows = {}
    for locale in ("en-US", "ar"):
        context = browser.new_context(viewport=LAPTOP, locale=locale)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            log_in(page, live_server, "finance@example.com")
            for name, path in screens.items():
                assert page.goto(f"{live_server.url}{path}").status == 200
                page.screenshot(path=screenshot_path(f"cash-{name}-{locale}"), full_page=True)
                if overflow := page.evaluate(OVERFLOW):
                    overflows[(name, locale)] = overflow
        finally:
            context.close()
    assert overflows == {}
