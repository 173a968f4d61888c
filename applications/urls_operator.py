"""Operator and regional-centre pages."""

urlpatterns = []
