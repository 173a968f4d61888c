"""Temporary: replaced by the evaluations API."""

urlpatterns = []
