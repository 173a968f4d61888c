"""Inspections API routes, included under /api/v1/ by sfms/urls.py. Flat routes: one object id per
URL, each resolved inside its own model's `visible_to(user)`."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("interim-checks", api.InterimCheckViewSet, basename="interim-check")
router.register("inspections", api.FinalInspectionViewSet, basename="final-inspection")
router.register("checklist-items", api.ChecklistItemViewSet, basename="checklist-item")
router.register("corrective-actions", api.CorrectiveActionViewSet, basename="corrective-action")

urlpatterns = router.urls
