from django.core.management.base import BaseCommand, CommandError

from quiz.models import Attempt, Quiz
from quiz.services import attempt_regrade


class Command(BaseCommand):
    help = (
        "Grade stored answers again with the current answer keys, after a key has been corrected. "
        "Learners' raw answers are kept as they were given; only the grades and totals change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", help="Only this quiz (its web address slug). Default: every quiz.")

    def handle(self, *args, **options):
        attempts = Attempt.objects.filter(step_attempts__responses__isnull=False).distinct()
        if options["quiz"]:
            if not Quiz.objects.filter(slug=options["quiz"]).exists():
                raise CommandError(f"No quiz with the web address {options['quiz']!r}.")
            attempts = attempts.filter(quiz__slug=options["quiz"])
        attempts_done = grades_changed = 0
        for attempt in attempts.iterator():
            grades_changed += attempt_regrade(attempt=attempt)
            attempts_done += 1
        self.stdout.write(
            self.style.SUCCESS(f"Regraded {attempts_done} attempt(s): {grades_changed} answer grade(s) changed.")
        )
