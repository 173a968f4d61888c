"""Pages of the aftercare app (under /projects/, namespace `aftercare`)."""

from django.urls import path  # noqa: F401

app_name = "aftercare"

urlpatterns = []
