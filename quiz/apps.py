from django.apps import AppConfig


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"
    verbose_name = "Quizzes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from quiz.receivers import claim_browser_attempts

        user_logged_in.connect(claim_browser_attempts, dispatch_uid="quiz.claim_browser_attempts")
