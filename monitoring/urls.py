"""Pages of the monitoring app (under /projects/, namespace `monitoring`)."""

from django.urls import path

from . import views, views_changes, views_dossier

app_name = "monitoring"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_candidates, name="project-candidates"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/agreement/amend/", views.agreement_amend, name="agreement-amend"),
    path("<int:pk>/milestones/add/", views.milestone_add, name="milestone-add"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement-pdf"),
    path("parties/<int:pk>/accept/", views.agreement_accept, name="agreement-accept"),
    path("tranches/<int:pk>/request/", views.tranche_request, name="tranche-request"),
    path("tranches/<int:pk>/approve/", views.tranche_approve, name="tranche-approve"),
    path("tranches/<int:pk>/paid/", views.tranche_paid, name="tranche-paid"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone-edit"),
    path("<int:pk>/progress/add/", views.progress_report_add, name="progress-report-add"),
    path("<int:pk>/visits/add/", views.site_visit_add, name="site-visit-add"),
    path("progress/<int:pk>/evidence/", views.progress_evidence, name="progress-evidence"),
    path("visits/<int:pk>/photo/", views.site_visit_photo, name="site-visit-photo"),
    path("<int:pk>/dossier/", views_dossier.project_dossier, name="project-dossier"),
    path("<int:pk>/changes/", views_changes.change_list, name="change-list"),
    path("changes/<int:pk>/", views_changes.change_detail, name="change-detail"),
    path("changes/<int:pk>/approve/", views_changes.change_approve, name="change-approve"),
    path("changes/<int:pk>/reject/", views_changes.change_reject, name="change-reject"),
    path("changes/<int:pk>/withdraw/", views_changes.change_withdraw, name="change-withdraw"),
    path("changes/<int:pk>/evidence/", views_changes.change_evidence, name="change-evidence"),
]
