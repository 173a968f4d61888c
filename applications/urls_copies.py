"""Downloads: receipt PDF, the whole frozen application as PDF and zip, single documents."""

from django.urls import path

from . import views_copies as views

urlpatterns = [
    path("submissions/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("submissions/<int:pk>/application.pdf", views.copy_pdf, name="copy-pdf"),
    path("submissions/<int:pk>/application.zip", views.copy_zip, name="copy-zip"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
]
