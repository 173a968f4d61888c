"""Clarification threads: operators and centres ask, applicants answer (under /applications/clarifications/)."""

from django.urls import path

from . import views_clarifications as views

urlpatterns = [
    path("", views.clarification_list, name="clarification-list"),
    path("<int:pk>/", views.clarification_detail, name="clarification-detail"),
    path("<int:pk>/reply/", views.clarification_reply, name="clarification-reply"),
    path("<int:pk>/close/", views.clarification_close, name="clarification-close"),
    path("ask/<int:pk>/", views.clarification_ask, name="clarification-ask"),
]
