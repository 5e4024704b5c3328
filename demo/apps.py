from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (`manage.py seed_demo`): it imports every app, no app imports it."""

    name = "demo"
    verbose_name = "演示数据"
