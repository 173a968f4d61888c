"""Temporary: replaced by the reviewer pages."""

from django.urls import path

from . import views_reviewer as views

urlpatterns = [
    path("", views.home, name="reviewer-home"),
]
