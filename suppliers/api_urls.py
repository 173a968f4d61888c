"""Suppliers API routes, included under /api/v1/ by sfms/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("suppliers", api.SupplierViewSet, basename="supplier")
router.register("tech-domains", api.TechDomainViewSet, basename="tech-domain")
router.register("capability-assessments", api.CapabilityAssessmentViewSet, basename="capability-assessment")
router.register("supplier-profiles/me/solutions", api.OwnSolutionViewSet, basename="own-solution")
router.register(
    "supplier-profiles/me/certifications", api.OwnCertificationViewSet, basename="own-certification"
)
router.register("supplier-profiles/me/cases", api.OwnCaseViewSet, basename="own-case")

urlpatterns = [
    path("supplier-profiles/me/", api.OwnProfileView.as_view(), name="own-supplier-profile"),
    *router.urls,
]
