"""Temporary: replaced by the operator pages."""

from django.urls import path

from . import views_operator as views

urlpatterns = [
    path("", views.home, name="operator-home"),
]
