"""Pages of the programs app: public announcements (anyone) and call management (operators)."""

from django.urls import include, path

app_name = "programs"

urlpatterns = [
    path("", include("programs.urls_public")),
    path("manage/", include("programs.urls_operator")),
]
