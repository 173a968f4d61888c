"""Pages of the monitoring app (under /projects/, namespace `monitoring`)."""

app_name = "monitoring"

urlpatterns = []
