from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("사업 신청")

    def ready(self):
        from suppliers.signals import supplier_registered

        from . import services

        supplier_registered.connect(
            services.nominated_supplier_approved, dispatch_uid="applications.nominated_supplier_approved"
        )
