from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Teaching cases"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from cases import receivers
        from cases.models import Case, Figure, FigureRendition, KeyPoint, Reference, Section

        # Pages kept for signed-out visitors are forgotten when anything they show changes (cases.page_cache).
        pre_save.connect(receivers.case_slug_changing, sender=Case, dispatch_uid="cases.page_cache.case.slug")
        for signal in (post_save, post_delete):
            name = "save" if signal is post_save else "delete"
            signal.connect(receivers.case_changed, sender=Case, dispatch_uid=f"cases.page_cache.case.{name}")
            for model in (Section, Figure, KeyPoint, Reference):
                signal.connect(
                    receivers.case_part_changed,
                    sender=model,
                    dispatch_uid=f"cases.page_cache.{model._meta.model_name}.{name}",
                )
            signal.connect(
                receivers.rendition_changed, sender=FigureRendition, dispatch_uid=f"cases.page_cache.rendition.{name}"
            )
