"""Pages of the evaluations app: the operator's side (`urls_operator`: pool, plan, committee,
assignment, results, selection, objections, reports), the reviewer's (`urls_reviewer`: seats,
pledge, interests, score sheets) and the applicant's (`urls_applicant`: results, matching notes,
objections)."""

from django.urls import include, path

app_name = "evaluations"

urlpatterns = [
    path("manage/", include("evaluations.urls_operator")),
    path("review/", include("evaluations.urls_reviewer")),
    path("results/", include("evaluations.urls_applicant")),
]
