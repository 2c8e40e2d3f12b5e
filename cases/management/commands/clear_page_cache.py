"""Forget every page kept for signed-out visitors (cases.page_cache), e.g. after changing a template."""

from django.core.management.base import BaseCommand

from cases.page_cache import forget_all_pages


class Command(BaseCommand):
    help = "Forget the pages kept for signed-out visitors; the next request for each renders it afresh."

    def handle(self, *args, **options):
        count = forget_all_pages()
        self.stdout.write(f"Forgot the kept pages of {count} cases and of the list of cases.")
