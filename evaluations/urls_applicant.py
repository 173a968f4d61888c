"""The applicant's pages, under /evaluations/results/ (namespace `evaluations`)."""

from django.urls import path

from . import views_applicant as views

urlpatterns = [
    path("", views.home, name="my-results"),
    path("<int:pk>/", views.result, name="my-result"),
    path("notes/<int:pk>/", views.note, name="my-matching-note"),
]
