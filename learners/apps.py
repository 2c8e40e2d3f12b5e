from django.apps import AppConfig


class LearnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learners"
    verbose_name = "Learners' progress and review"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from learners import receivers
        from learners.models import ReviewItem
        from quiz.models import Attempt

        for signal in (post_save, post_delete):
            name = "save" if signal is post_save else "delete"
            for model in (Attempt, ReviewItem):
                signal.connect(
                    receivers.learner_work_changed,
                    sender=model,
                    dispatch_uid=f"learners.due_count.{model._meta.model_name}.{name}",
                )
        user_logged_in.connect(receivers.learner_signed_in, dispatch_uid="learners.due_count.sign_in")
