from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("ksic-divisions", api.KsicDivisionViewSet, basename="ksic-division")
router.register("operators", api.OperatorViewSet, basename="operator")
router.register("companies", api.CompanyViewSet, basename="company")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")
router.register("level-assessments", api.LevelAssessmentViewSet, basename="level-assessment")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("signup/", api.CompanySignUpView.as_view(), name="api-signup"),
    *router.urls,
]
