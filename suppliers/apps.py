from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "suppliers"

    def ready(self):
        from . import services  # noqa: F401  connects company_changed to company_updated
