"""Applicant and consortium-member pages."""

urlpatterns = []
