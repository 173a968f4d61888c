"""Pages of the supplier registry: the supplier's own profile and operator review (urls_profile), SME search and comparison (urls_search)."""

from django.urls import include, path

app_name = "suppliers"

urlpatterns = [
    path("", include("suppliers.urls_search")),
    path("", include("suppliers.urls_profile")),
]
