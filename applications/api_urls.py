"""API routes for applications."""

urlpatterns = []
