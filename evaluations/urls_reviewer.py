"""The reviewer's pages, under /evaluations/review/ (namespace `evaluations`)."""

from django.urls import path

from . import views_reviewer as views

urlpatterns = [
    path("", views.home, name="reviewer-home"),
    path("seats/<int:pk>/respond/", views.seat_respond, name="reviewer-seat-respond"),
    path("seats/<int:pk>/pledge/", views.pledge, name="reviewer-pledge"),
    path("profiles/<int:pk>/interests/", views.interests, name="reviewer-interests"),
    path("profiles/<int:pk>/interests/confirm/", views.interests_confirm, name="reviewer-interests-confirm"),
    path("interests/<int:pk>/end/", views.interest_end, name="reviewer-interest-end"),
    path("sheets/<int:pk>/", views.sheet, name="reviewer-sheet"),
    path("sheets/<int:pk>/conflict/", views.conflict, name="reviewer-conflict"),
    path("sheets/<int:pk>/documents/<int:document>/", views.document, name="reviewer-document"),
]
