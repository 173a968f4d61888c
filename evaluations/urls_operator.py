"""The operator's evaluation pages (under /evaluations/manage/, namespace `evaluations`)."""

from django.urls import path

from . import views_operator as views

urlpatterns = [
    path("", views.home, name="operator-home"),
    path("pool/", views.pool_list, name="pool-list"),
    path("pool/add/", views.pool_add, name="pool-add"),
    path("pool/<int:pk>/", views.pool_detail, name="pool-detail"),
    path("pool/<int:pk>/interests/add/", views.interest_add, name="interest-add"),
    path("interests/<int:pk>/end/", views.interest_end, name="interest-end"),
    path("calls/<int:pk>/plan/", views.plan_setup, name="plan-setup"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/settings/", views.plan_settings, name="plan-settings"),
    path("plans/<int:pk>/expertise/", views.expertise_set, name="expertise-set"),
    path("plans/<int:pk>/results/", views.ranking, name="ranking"),
    path("plans/<int:pk>/decide/", views.decide, name="decide"),
    path("plans/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("plans/<int:pk>/release/", views.release, name="release"),
    path("plans/<int:pk>/objections/", views.objections, name="objections"),
    path("plans/<int:pk>/reports/", views.reports, name="reports"),
    path("stages/<int:pk>/", views.stage_detail, name="stage-detail"),
    path("stages/<int:pk>/open/", views.stage_open, name="stage-open"),
    path("stages/<int:pk>/close/", views.stage_close, name="stage-close"),
    path("stages/<int:pk>/skip/", views.stage_skip, name="stage-skip"),
    path("stages/<int:pk>/criteria/add/", views.criterion_add, name="criterion-add"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("stages/<int:pk>/committee/", views.committee, name="committee"),
    path("seats/<int:pk>/release/", views.seat_release, name="seat-release"),
    path("stages/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("stages/<int:pk>/draw/", views.draw, name="draw"),
    path("stages/<int:pk>/batch/", views.batch, name="batch"),
    path("stages/<int:pk>/exclusions/", views.exclusions, name="exclusions"),
    path("assignments/<int:pk>/swap/", views.assignment_swap, name="assignment-swap"),
    path("assignments/<int:pk>/reopen/", views.assignment_reopen, name="assignment-reopen"),
    path("results/<int:pk>/", views.result_sheet, name="result-sheet"),
    path("results/<int:pk>/cost-review/", views.cost_review, name="cost-review"),
    path("decisions/<int:pk>/notes/", views.note_add, name="note-add"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
]
