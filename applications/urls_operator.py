"""Operator and regional-centre pages (under /applications/manage/)."""

from django.urls import path

from . import views_operator as views

urlpatterns = [
    path("", views.application_list, name="operator-list"),
    path("export.csv", views.export_csv, name="operator-export-csv"),
    path("export.xlsx", views.export_xlsx, name="operator-export-xlsx"),
    path("centre/", views.centre_list, name="centre-list"),
    path("centre/export.csv", views.centre_export_csv, name="centre-export-csv"),
    path("centre/export.xlsx", views.centre_export_xlsx, name="centre-export-xlsx"),
    path("<int:pk>/", views.application_detail, name="operator-detail"),
    path("<int:pk>/support-notes/", views.support_note_add, name="support-note-add"),
    path("results/<int:pk>/override/", views.result_override, name="result-override"),
    path("submissions/<int:pk>/rerun/", views.submission_rerun, name="submission-rerun"),
]
