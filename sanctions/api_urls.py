"""Sanctions API routes, included under /api/v1/ by sfms/urls.py. Flat routes (one object id per
URL), each id resolved inside its own model's `visible_to(user)`."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("restrictions", api.RestrictionViewSet, basename="restriction")
router.register("project-abandonments", api.AbandonmentViewSet, basename="project-abandonment")
router.register("repayment-orders", api.RepaymentOrderViewSet, basename="repayment-order")
router.register("repayments", api.RepaymentViewSet, basename="repayment")

urlpatterns = router.urls
