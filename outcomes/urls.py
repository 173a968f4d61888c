"""Pages of the outcomes app (under /projects/, namespace `outcomes`)."""

from django.urls import path  # noqa: F401

app_name = "outcomes"

urlpatterns = []
