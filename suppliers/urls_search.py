"""SME-facing supplier pages: search, a supplier's profile, the comparison and its list."""

from django.urls import path

from . import views_search as views

urlpatterns = [
    path("", views.supplier_search, name="search"),
    path("<int:pk>/", views.supplier_detail, name="supplier-detail"),
    path("compare/", views.compare, name="compare"),
    path("compare/add/", views.compare_add, name="compare-add"),
    path("compare/remove/", views.compare_remove, name="compare-remove"),
    path("compare/clear/", views.compare_clear, name="compare-clear"),
]
