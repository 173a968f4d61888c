"""Clarification threads: operators and centres ask, applicants answer."""

urlpatterns = []
