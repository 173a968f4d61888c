"""Operator pages: programmes, calls, tracks, templates, rule sets, publishing.

Mounted at /programs/manage/ in the `programs` namespace. Each URL carries at most one object id,
looked up inside the user's `editable_by` scope (the access walk ties it to its model).
"""

from django.urls import path

from . import views_operator as views

urlpatterns = [
    path("", views.index, name="operator-index"),
    path("programmes/", views.programme_list, name="operator-programme-list"),
    path("programmes/new/", views.programme_create, name="operator-programme-create"),
    path("programmes/<int:pk>/", views.programme_detail, name="operator-programme-detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="operator-programme-edit"),
    path("programmes/<int:pk>/calls/new/", views.call_create, name="operator-call-create"),
    path("calls/", views.call_list, name="operator-call-list"),
    path("calls/<int:pk>/", views.call_detail, name="operator-call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="operator-call-edit"),
    path("calls/<int:pk>/preview/", views.call_preview, name="operator-call-preview"),
    path("calls/<int:pk>/publish/", views.call_publish, name="operator-call-publish"),
    path("calls/<int:pk>/cancel/", views.call_cancel, name="operator-call-cancel"),
    path("calls/<int:pk>/status/", views.call_transition, name="operator-call-transition"),
    path("calls/<int:pk>/clone/", views.call_clone, name="operator-call-clone"),
    path("calls/<int:pk>/tracks/new/", views.track_create, name="operator-track-create"),
    path("calls/<int:pk>/documents/new/", views.document_create, name="operator-document-create"),
    path("calls/<int:pk>/rules/new/", views.rule_choose, name="operator-rule-choose"),
    path("calls/<int:pk>/rules/new/<slug:kind>/", views.rule_create, name="operator-rule-create"),
    path("tracks/<int:pk>/edit/", views.track_edit, name="operator-track-edit"),
    path("tracks/<int:pk>/funders/", views.track_funders, name="operator-track-funders"),
    path("tracks/<int:pk>/delete/", views.track_delete, name="operator-track-delete"),
    path("documents/<int:pk>/delete/", views.document_delete, name="operator-document-delete"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="operator-rule-edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="operator-rule-delete"),
]
