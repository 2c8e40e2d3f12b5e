from django.core.management.base import BaseCommand

from accounts.roles import sync_educator_group
from demo.loader import load_calcinosis_case
from demo.quiz import load_calcinosis_quiz


class Command(BaseCommand):
    help = "Load the demo teaching case with its drawn figures. Safe to run again: it updates the case in place."

    def handle(self, *args, **options):
        sync_educator_group()
        case = load_calcinosis_case()
        quiz = load_calcinosis_quiz(case)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo case loaded: “{case.title}” with {case.sections.count()} sections, "
                f"{case.figures.count()} figures, {case.references.count()} references and "
                f"{case.key_points.count()} key points, at {case.get_absolute_url()}"
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo quiz loaded: “{quiz.title}” with {quiz.steps.count()} steps, at {quiz.get_absolute_url()}"
            )
        )
