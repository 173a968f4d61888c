"""The supplier's own profile (`profile-…`, under my/) and the national agency's review (`review-…`)."""

from django.urls import path

from . import views_profile as views

urlpatterns = [
    # The supplier's own profile: task list, sections, check answers, submit.
    path("my/", views.home, name="profile-home"),
    path("my/company/", views.company_edit, name="profile-company"),
    path("my/about/", views.about_edit, name="profile-about"),
    path("my/solutions/", views.solution_list, name="profile-solutions"),
    path("my/solutions/add/", views.solution_add, name="profile-solution-add"),
    path("my/solutions/<int:pk>/", views.solution_edit, name="profile-solution-edit"),
    path("my/solutions/<int:pk>/delete/", views.solution_delete, name="profile-solution-delete"),
    path("my/certifications/", views.certification_list, name="profile-certifications"),
    path("my/certifications/add/", views.certification_add, name="profile-certification-add"),
    path("my/certifications/<int:pk>/", views.certification_edit, name="profile-certification-edit"),
    path(
        "my/certifications/<int:pk>/delete/",
        views.certification_delete,
        name="profile-certification-delete",
    ),
    path("my/certifications/<int:pk>/file/", views.certification_file, name="profile-certification-file"),
    path("my/cases/", views.case_list, name="profile-cases"),
    path("my/cases/add/", views.case_add, name="profile-case-add"),
    path("my/cases/<int:pk>/", views.case_edit, name="profile-case-edit"),
    path("my/cases/<int:pk>/delete/", views.case_delete, name="profile-case-delete"),
    path("my/documents/", views.document_list, name="profile-documents"),
    path("my/documents/add/", views.document_add, name="profile-document-add"),
    path("my/documents/<int:pk>/delete/", views.document_delete, name="profile-document-delete"),
    path("my/documents/<int:pk>/file/", views.document_file, name="profile-document-file"),
    path("my/check/", views.check, name="profile-check"),
    path("my/submitted/", views.submitted, name="profile-submitted"),
    # Operators: the review queue and one supplier's review.
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:pk>/", views.review_detail, name="review-detail"),
    path("review/<int:pk>/history/", views.review_history, name="review-history"),
    path("review/<int:pk>/decide/", views.review_transition, name="review-transition"),
    path("review/<int:pk>/assessment/", views.review_assessment, name="review-assessment"),
    path("review/documents/<int:pk>/", views.review_document_file, name="review-document-file"),
    path(
        "review/certifications/<int:pk>/document/",
        views.review_certification_file,
        name="review-certification-file",
    ),
]
