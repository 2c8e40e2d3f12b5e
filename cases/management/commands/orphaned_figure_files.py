from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.orphaned_files import DEFAULT_GRACE, delete_files, find_orphaned_files


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


class Command(BaseCommand):
    help = (
        "List figure files (renditions and private masters) that no figure refers to: left by uploads that "
        "were stopped halfway and by deleted figures. Lists only, unless --delete. Files changed in the last "
        "hour are left alone, as an upload may be in progress. See docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete the files listed.")
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(DEFAULT_GRACE.total_seconds() // 60),
            help="Only files last changed at least this many minutes ago count (default: %(default)s). "
            "Keep it longer than any upload takes.",
        )

    def handle(self, *args, **options):
        minutes = options["older_than_minutes"]
        if minutes < 0:
            raise CommandError("--older-than-minutes cannot be negative.")
        search = find_orphaned_files(now=timezone.now(), grace=timedelta(minutes=minutes))

        for stored in search.orphaned:
            self.stdout.write(f"{stored}  ({_size(stored.size)}, last changed {stored.modified:%Y-%m-%d %H:%M %Z})")
        count, total = len(search.orphaned), _size(search.orphaned_bytes)
        if not count:
            self.stdout.write("No orphaned figure files.")
        elif options["delete"]:
            delete_files(search.orphaned)
            self.stdout.write(self.style.SUCCESS(f"Deleted {_files(count)} no figure referred to ({total})."))
        else:
            self.stdout.write(
                f"{_files(count)} ({total}) that no figure refers to. Run again with --delete to delete them."
            )
        if search.too_recent:
            self.stdout.write(
                f"Left alone: {_files(len(search.too_recent))} no figure refers to, changed less than {minutes} "
                "minutes ago (an upload may be in progress)."
            )
