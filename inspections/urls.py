"""Pages of the inspections app (under /projects/, namespace `inspections`)."""

from django.urls import path  # noqa: F401

app_name = "inspections"

urlpatterns = []
