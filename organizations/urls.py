from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("company/", views.my_company, name="my-company"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/audit/", views.company_audit, name="company-audit"),
    path("companies/<int:pk>/levels/new/", views.level_assessment_add, name="level-assessment-add"),
    path("levels/<int:pk>/report/", views.level_assessment_report, name="level-assessment-report"),
    path("levels/<int:pk>/withdraw/", views.level_assessment_withdraw, name="level-assessment-withdraw"),
    path("audit/", views.audit_list, name="audit-list"),
    path("operator/", views.my_operator, name="my-operator"),
    path("operators/<int:pk>/", views.operator_detail, name="operator-detail"),
]
