from django.core.management.base import BaseCommand, CommandError

from calcinosis_site.backup import BackupError, import_site


class Command(BaseCommand):
    help = (
        "Restore an archive made by export_site into this site: checks every file's SHA-256, writes the figure "
        "files to their storages and loads the rows. Refuses a site that already has accounts, cases or quizzes "
        "unless --force. Run migrate first. See docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by export_site")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the site is not empty: rows with the same ids and files with the same names "
            "are replaced.",
        )

    def handle(self, *args, **options):
        try:
            summary = import_site(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {options['archive']}: {summary.counts.get('cases.case', 0)} cases, "
                f"{summary.counts.get('quiz.quiz', 0)} quizzes, {summary.counts.get('quiz.attempt', 0)} attempts, "
                f"{summary.counts.get('auth.user', 0)} users and {summary.files} files ({summary.bytes} bytes)."
            )
        )
