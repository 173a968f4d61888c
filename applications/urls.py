"""Pages of the applications app: the applicant's task list and the invited members' answers
(`urls_applicant`), copies and downloads (`urls_copies`), clarification threads for both sides
(`urls_clarifications`), and the operator and regional-centre views (`urls_operator`)."""

from django.urls import include, path

app_name = "applications"

urlpatterns = [
    path("", include("applications.urls_applicant")),
    path("", include("applications.urls_copies")),
    path("clarifications/", include("applications.urls_clarifications")),
    path("manage/", include("applications.urls_operator")),
]
