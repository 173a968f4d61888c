"""Pages of the inspections app (under /projects/, namespace `inspections`)."""

from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("inspections/mine/", views.my_inspections, name="my-inspections"),
    path("<int:pk>/inspection/", views.project_inspection, name="project-inspection"),
    path("<int:pk>/inspection/interim/", views.interim_add, name="interim-add"),
    path("<int:pk>/inspection/appoint/", views.appoint, name="appoint"),
    path("inspections/<int:pk>/result/", views.result, name="result"),
    path("checklist/<int:pk>/", views.checklist_item, name="checklist-item"),
    path("checklist/<int:pk>/evidence/", views.checklist_evidence, name="checklist-evidence"),
    path("corrective-actions/<int:pk>/plan/", views.action_plan, name="action-plan"),
    path("corrective-actions/<int:pk>/report/", views.action_report, name="action-report"),
    path("corrective-actions/<int:pk>/confirm/", views.action_confirm, name="action-confirm"),
    path("corrective-actions/<int:pk>/return/", views.action_return, name="action-return"),
]
