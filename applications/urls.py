"""Pages of the applications app: the applicant's task list and the invited members' answers
(`urls_applicant`), and the operator and regional-centre views (`urls_operator`)."""

from django.urls import include, path

app_name = "applications"

urlpatterns = [
    path("", include("applications.urls_applicant")),
    path("manage/", include("applications.urls_operator")),
]
