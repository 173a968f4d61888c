"""Pages of the sanctions app (under /sanctions/, namespace `sanctions`)."""

from django.urls import path  # noqa: F401

app_name = "sanctions"

urlpatterns = []
