"""Monitoring API routes, included under /api/v1/ by sfms/urls.py. Routes are flat (one object id
per URL) so every id is resolved inside its own model's `visible_to(user)`."""

from rest_framework.routers import SimpleRouter

from . import api, api_changes, api_risks

router = SimpleRouter()
router.register("projects", api.ProjectViewSet, basename="project")
router.register("agreements", api.AgreementViewSet, basename="agreement")
router.register("agreement-parties", api.AgreementPartyViewSet, basename="agreement-party")
router.register("tranches", api.TrancheViewSet, basename="tranche")
router.register("milestones", api.MilestoneViewSet, basename="milestone")
router.register("progress-reports", api.ProgressReportViewSet, basename="progress-report")
router.register("site-visits", api.SiteVisitViewSet, basename="site-visit")
router.register("change-requests", api_changes.ChangeRequestViewSet, basename="change-request")
router.register("risk-flags", api_risks.RiskFlagViewSet, basename="risk-flag")

urlpatterns = router.urls
