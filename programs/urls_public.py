"""Public announcement pages, quotes, saved searches, self-diagnosis and recommendations."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("calls/", views.call_list, name="call-list"),
    path("calls/calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/quote/", views.call_quote, name="call-quote"),
    path("calls/<int:pk>/announcement.pdf", views.call_announcement_pdf, name="call-announcement-pdf"),
    path("calls/<int:pk>/calendar.ics", views.call_calendar, name="call-calendar"),
    path("calls/<int:pk>/watch/", views.call_watch, name="call-watch"),
    path("calls/<int:pk>/unwatch/", views.call_unwatch, name="call-unwatch"),
    path("searches/", views.saved_search_list, name="saved-search-list"),
    path("searches/new/", views.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
    path("diagnosis/", views.diagnosis_start, name="diagnosis"),
    path("diagnosis/<int:pk>/", views.diagnosis_result, name="diagnosis-result"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("level/", views.my_level, name="my-level"),
]
