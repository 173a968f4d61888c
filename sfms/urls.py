from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from organizations import views as org_views

api_v1 = [
    path("", include("organizations.api_urls")),
    path("", include("programs.api_urls")),
    path("", include("suppliers.api_urls")),
    path("", include("applications.api_urls")),
    path("", include("evaluations.api_urls")),
    path("", include("monitoring.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include("outcomes.api_urls")),
    path("", include("aftercare.api_urls")),
    path("", include("sanctions.api_urls")),
]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("organizations.account_urls")),
    path("org/", include("organizations.urls")),
    path("programs/", include("programs.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("applications/", include("applications.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("projects/", include("monitoring.urls")),
    path("projects/", include("inspections.urls")),
    path("projects/", include("outcomes.urls")),
    path("projects/", include("aftercare.urls")),
    path("sanctions/", include("sanctions.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler403 = "organizations.views.permission_denied"
handler404 = "organizations.views.page_not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
