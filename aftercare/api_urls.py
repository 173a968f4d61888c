"""Aftercare API routes, included under /api/v1/ by sfms/urls.py. Flat routes, one object id per URL,
each resolved inside its own model's `visible_to(user)`."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("defect-repairs", api.DefectRepairViewSet, basename="defect-repair")
router.register("maintenance-contracts", api.MaintenanceContractViewSet, basename="maintenance-contract")
router.register("unfair-practice-reports", api.UnfairPracticeReportViewSet, basename="unfair-practice-report")
router.register("project-closings", api.ProjectClosingViewSet, basename="project-closing")
router.register("supplier-ratings", api.SupplierRatingViewSet, basename="supplier-rating")
router.register("next-level-applications", api.NextLevelApplicationViewSet, basename="next-level-application")

urlpatterns = router.urls
