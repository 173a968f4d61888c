"""API of the monitoring app (under /api/v1/)."""

urlpatterns = []
