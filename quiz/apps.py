from django.apps import AppConfig


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"
    verbose_name = "Quizzes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from cases import reading
        from quiz.reading import QuizGuide
        from quiz.receivers import claim_browser_attempts

        user_logged_in.connect(claim_browser_attempts, dispatch_uid="quiz.claim_browser_attempts")
        # Case pages show only what the quiz lets a reader see (the beginning; during an exam, what it reached).
        reading.register(QuizGuide())
