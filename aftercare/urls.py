"""Pages of the aftercare app (under /projects/, namespace `aftercare`)."""

from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("<int:pk>/aftercare/", views.page, name="page"),
    path("<int:pk>/aftercare/defects/add/", views.defect_add, name="defect-add"),
    path("<int:pk>/aftercare/contracts/add/", views.contract_add, name="contract-add"),
    path("<int:pk>/aftercare/unfair/add/", views.unfair_add, name="unfair-add"),
    path("<int:pk>/aftercare/close/", views.project_close, name="close"),
    path("<int:pk>/aftercare/rate/", views.supplier_rate, name="rate"),
    path("<int:pk>/aftercare/next-level/", views.next_level, name="next-level"),
    path("aftercare/defects/<int:pk>/respond/", views.defect_respond, name="defect-respond"),
    path("aftercare/defects/<int:pk>/satisfaction/", views.defect_satisfaction, name="defect-satisfaction"),
    path("aftercare/defects/<int:pk>/attachment/", views.defect_attachment, name="defect-attachment"),
    path("aftercare/contracts/<int:pk>/document/", views.contract_document, name="contract-document"),
    path("aftercare/unfair/<int:pk>/handle/", views.unfair_handle, name="unfair-handle"),
]
