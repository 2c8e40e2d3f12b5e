from django.core.management.base import BaseCommand, CommandError

from calcinosis_site.backup import BackupError, export_site


class Command(BaseCommand):
    help = (
        "Back up the whole site into one .tar.gz archive: accounts, cases, quizzes, attempts and every figure "
        "file (renditions and private masters), with a manifest of counts and SHA-256 sums. Sessions and login "
        "throttling records are left out: they are live state, not content. "
        "Restore with import_site. See docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Where to write the archive, e.g. /var/backups/calcinosis/site.tar.gz")

    def handle(self, *args, **options):
        try:
            summary = export_site(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['archive']}: {rows} rows ({summary.counts.get('cases.case', 0)} cases, "
                f"{summary.counts.get('quiz.quiz', 0)} quizzes, {summary.counts.get('quiz.attempt', 0)} attempts, "
                f"{summary.counts.get('auth.user', 0)} users) and {summary.files} files ({summary.bytes} bytes)."
            )
        )
