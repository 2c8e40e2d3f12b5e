from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo teaching case and its quiz, with the commands that load them (``load_demo``,
    ``create_demo_educator``). It builds on ``cases`` and ``quiz``; neither knows it exists."""

    name = "demo"
    verbose_name = "Demo content"

    def ready(self):
        from demo import checks  # noqa: F401  (registers the check that no server keeps the demo account)
