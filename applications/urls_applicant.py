"""Applicant and consortium-member pages."""

from django.urls import path

from . import views_applicant as views

urlpatterns = [
    path("", views.my_applications, name="my-list"),
    path("start/", views.start, name="start"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/respond/", views.invitation_respond, name="invitation-respond"),
    path("<int:pk>/", views.task_list, name="task-list"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/budget/", views.budget, name="budget"),
    path("<int:pk>/kpis/", views.kpis, name="kpis"),
    path("<int:pk>/kpis/add/", views.kpi_add, name="kpi-add"),
    path("<int:pk>/consortium/", views.consortium, name="consortium"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/declarations/", views.declarations, name="declarations"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("kpis/<int:pk>/delete/", views.kpi_delete, name="kpi-delete"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document-remove"),
    path("submissions/<int:pk>/", views.receipt, name="receipt"),
    path("submissions/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
]
