"""Programs API routes, included under /api/v1/ by sfms/urls.py."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("programmes", api.ProgrammeViewSet, basename="programme")
router.register("calls", api.CallViewSet, basename="call")
router.register("tracks", api.TrackViewSet, basename="track")
router.register("required-documents", api.RequiredDocumentViewSet, basename="required-document")
router.register("eligibility-rules", api.EligibilityRuleViewSet, basename="eligibility-rule")
router.register("funding-quotes", api.FundingQuoteViewSet, basename="funding-quote")
router.register("saved-searches", api.SavedSearchViewSet, basename="saved-search")
router.register("self-diagnoses", api.SelfDiagnosisViewSet, basename="self-diagnosis")

urlpatterns = [
    path(
        "self-diagnosis-questions/",
        api.SelfDiagnosisQuestionsView.as_view(),
        name="self-diagnosis-questions",
    ),
    path("recommendations/", api.RecommendationsView.as_view(), name="recommendations"),
    *router.urls,
]
