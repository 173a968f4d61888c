"""Temporary: replaced by the applicant pages."""

from django.urls import path

from . import views_applicant as views

urlpatterns = [
    path("", views.home, name="my-results"),
]
