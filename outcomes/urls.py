"""Pages of the outcomes app (under /projects/, namespace `outcomes`)."""

from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("<int:pk>/outcomes/", views.project_outcomes, name="project-outcomes"),
    # one route per moment, so every URL takes only the project's id
    *(
        path(f"<int:pk>/outcomes/{moment}/", views.values_enter, {"moment": moment}, name=f"values-{moment}")
        for moment in ("baseline", "completion", "one_year")
    ),
]
