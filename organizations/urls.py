from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("company/", views.my_company, name="my-company"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/audit/", views.company_audit, name="company-audit"),
    path("audit/", views.audit_list, name="audit-list"),
    path("operator/", views.my_operator, name="my-operator"),
    path("operators/<int:pk>/", views.operator_detail, name="operator-detail"),
]
