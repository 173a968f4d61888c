"""Aftercare API routes, included under /api/v1/ by sfms/urls.py."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
