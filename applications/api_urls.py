"""Applications API routes, included under /api/v1/ by sfms/urls.py. Routes are flat (one object id
per URL) so every id is resolved inside its own model's `visible_to(user)`."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("applications", api.ApplicationViewSet, basename="application")
router.register("application-kpis", api.KpiViewSet, basename="application-kpi")
router.register("consortium-members", api.ConsortiumMemberViewSet, basename="consortium-member")
router.register("application-documents", api.ApplicationDocumentViewSet, basename="application-document")
router.register("submissions", api.SubmissionViewSet, basename="submission")
router.register("eligibility-runs", api.EligibilityRunViewSet, basename="eligibility-run")
router.register("eligibility-results", api.EligibilityResultViewSet, basename="eligibility-result")
router.register("clarifications", api.ClarificationViewSet, basename="clarification")
router.register("support-notes", api.SupportNoteViewSet, basename="support-note")

urlpatterns = router.urls
