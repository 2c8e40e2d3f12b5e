from django.apps import AppConfig


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"
    verbose_name = "Quizzes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from cases import page_cache, reading
        from quiz import receivers
        from quiz.models import Question, Quiz, Step
        from quiz.reading import QuizGuide
        from quiz.receivers import claim_browser_attempts

        user_logged_in.connect(claim_browser_attempts, dispatch_uid="quiz.claim_browser_attempts")
        # Pages kept for signed-out visitors (cases.page_cache) show the case's quiz: its changes forget them,
        # and an exam's opening or closing time ends them.
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            for model, receiver in ((Quiz, receivers.quiz_changed), (Step, receivers.step_changed)):
                signal.connect(receiver, sender=model, dispatch_uid=f"quiz.page_cache.{model._meta.model_name}.{name}")
            signal.connect(receivers.question_changed, sender=Question, dispatch_uid=f"quiz.page_cache.question.{name}")
        for model in (Quiz, Step, Question):
            pre_save.connect(
                receivers.quiz_part_moving, sender=model, dispatch_uid=f"quiz.page_cache.{model._meta.model_name}.move"
            )
        for field in ("reveals_sections", "reveals_figures"):
            through = Step._meta.get_field(field).remote_field.through
            m2m_changed.connect(receivers.step_reveals_changed, sender=through, dispatch_uid=f"quiz.page_cache.{field}")
        page_cache.register_change_times(receivers.exam_times)
        # Case pages show only what the quiz lets a reader see (the beginning; during an exam, what it reached).
        reading.register(QuizGuide())
