"""Outcomes API routes, included under /api/v1/ by sfms/urls.py. Flat routes, one id per URL."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("outcome-indicators", api.OutcomeIndicatorViewSet, basename="outcome-indicator")
router.register("outcome-surveys", api.OutcomeSurveyViewSet, basename="outcome-survey")

urlpatterns = router.urls
