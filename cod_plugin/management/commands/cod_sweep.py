"""Run the plugin's periodic tasks once, in this process: cron's way for stores without Celery beat.

A crontab line such as ``*/10 * * * * python manage.py cod_sweep`` does what the Celery beat schedule does: the
hourly ones (exchange rates, suspensions) are cheap to run more often. A sweep that fails is reported and the
others still run; the exit status is then non-zero, so that cron mails it.
"""

from django.core.management.base import BaseCommand, CommandError

from cod_plugin.tasks import SWEEPS

NAMES = [task.__name__ for task in SWEEPS]


class Command(BaseCommand):
    help = "Run the COD plugin's periodic tasks once (for cron, where no Celery beat runs)."

    def add_arguments(self, parser):
        parser.add_argument("sweeps", nargs="*", metavar="SWEEP", help=f"only these: {', '.join(NAMES)} (all: none)")

    def handle(self, *args, sweeps=(), **options):
        unknown = sorted(set(sweeps) - set(NAMES))
        if unknown:
            raise CommandError(f"no such sweep: {', '.join(unknown)}; the sweeps are {', '.join(NAMES)}")
        failed = [task.__name__ for task in SWEEPS if (not sweeps or task.__name__ in sweeps) and not self.run(task)]
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")

    def run(self, task) -> bool:
        try:
            result = task()
        except Exception as error:
            self.stderr.write(f"{task.__name__}: {type(error).__name__}: {error}")
            return False
        self.stdout.write(f"{task.__name__}: {result}")
        return True
