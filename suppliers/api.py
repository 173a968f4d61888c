"""API of the supplier registry: search and comparison (the same filters and facets as the search
page), profiles, the supplier's own profile and offering, the approval workflow and capability
assessments.

Thin by design: every object is looked up inside `visible_to(user)` (missing and forbidden are the
same 404); the search reads only registered suppliers (`search.search_suppliers`); every write goes
through `suppliers.services`, and the answer is the row re-read inside the user's scope. A wrong
role is refused (403) before the body is read.
"""

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from organizations.access import principal_for
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import Company, Role

from . import services
from .filters import SupplierFilter
from .forms_search import compare_selection
from .models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierStatus,
    TechDomain,
)
from .querysets import reviewer_operator_ids
from .search import search_suppliers
from .serializers import (
    CapabilityAssessmentSerializer,
    CertificationSerializer,
    CompareQuerySerializer,
    CompareSerializer,
    ImplementationCaseSerializer,
    OwnProfileSerializer,
    SolutionSerializer,
    StatusReasonSerializer,
    SupplierCardSerializer,
    SupplierDetailSerializer,
    SupplierSearchPageSerializer,
    TechDomainSerializer,
)

S = SupplierStatus
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What a result card needs beyond what the search already loads; a no-op for what it did load.
CARD_PREFETCH = ("domains", "solutions", "cases")


# --- shared helpers --------------------------------------------------------------------------------


def _cases():
    return ImplementationCase.objects.unrestricted().select_related("client_sector", "client_region")


def profile_detail_queryset(queryset):
    """Everything a profile (or a compared supplier) shows, in a fixed number of queries."""
    return queryset.select_related("company", "company__region").prefetch_related(
        "domains",
        Prefetch("solutions", queryset=Solution.objects.unrestricted().select_related("domain")),
        Prefetch("certifications", queryset=Certification.objects.unrestricted()),
        Prefetch("cases", queryset=_cases()),
        Prefetch(
            "assessments",
            queryset=CapabilityAssessment.objects.unrestricted().order_by("-assessed_on", "-pk"),
        ),
    )


def get_scoped(queryset, pk):
    """The row inside the scope, or 404: used again after every write."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _is_reviewer(user):
    p = principal_for(user)
    return p.is_platform_admin or bool(reviewer_operator_ids(user))


def _bounded_int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


# --- search, profiles, comparison, workflow ---------------------------------------------------------


def _search_parameters():
    """SupplierFilter's fields as query parameters, documented from the filter itself (labels,
    choices), so the schema cannot drift from what the page and the API accept."""
    import django_filters

    parameters = []
    for name, spec in SupplierFilter.base_filters.items():
        label = str(spec.label or name)
        hint = str(spec.extra.get("help_text") or "")
        kwargs = {"description": f"{label}. {hint}".strip() if hint else label}
        if isinstance(spec, django_filters.ModelMultipleChoiceFilter):
            kwargs.update(type=OpenApiTypes.STR, many=True, explode=True)
            kwargs["description"] += " (코드, 여러 번 보낼 수 있음)"
        elif isinstance(spec, django_filters.ModelChoiceFilter):
            kwargs.update(type=OpenApiTypes.STR)
            kwargs["description"] += " (코드)"
        elif isinstance(spec, django_filters.BooleanFilter):
            kwargs.update(type=OpenApiTypes.BOOL)
        elif isinstance(spec, django_filters.ChoiceFilter):
            kwargs.update(type=OpenApiTypes.STR, enum=[value for value, _label in spec.extra["choices"]])
        elif isinstance(spec, django_filters.NumberFilter):
            whole = spec.field_class is not django_filters.NumberFilter.field_class
            kwargs.update(type=OpenApiTypes.INT if whole else OpenApiTypes.NUMBER)
        else:
            kwargs.update(type=OpenApiTypes.STR)
        parameters.append(OpenApiParameter(name, **kwargs))
    return parameters


PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="쪽 번호(1부터)"),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description=f"쪽당 건수(기본 {PAGE_SIZE}, 최대 {MAX_PAGE_SIZE})"
    ),
]

# (action, target status, who, the status it must start from or None)
WORKFLOW = {
    "submit": (S.SUBMITTED, "supplier", None),
    "start_review": (S.UNDER_REVIEW, "reviewer", None),
    "approve": (S.REGISTERED, "reviewer", S.UNDER_REVIEW),
    "return_for_changes": (S.RETURNED, "reviewer", None),
    "reject": (S.REJECTED, "reviewer", None),
    "suspend": (S.SUSPENDED, "reviewer", None),
    "reinstate": (S.REGISTERED, "reviewer", S.SUSPENDED),
}


def _workflow_schema(description):
    return extend_schema(
        request=StatusReasonSerializer,
        responses={
            200: SupplierDetailSerializer,
            403: OpenApiResponse(description="Not allowed for this role"),
            409: OpenApiResponse(description="Not possible from the current status"),
        },
        description=description,
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[*_search_parameters(), *PAGE_PARAMETERS],
        responses=SupplierSearchPageSerializer,
        description=(
            "Search registered suppliers with the search page's filters. Korean and English keywords of "
            "any length (용접, 센서, 품질). `facets` counts results per filter value."
        ),
    ),
    retrieve=extend_schema(
        responses=SupplierDetailSerializer,
        description="A supplier's profile: registered ones for firms (and their own), any for operator staff.",
    ),
)
class SupplierViewSet(viewsets.GenericViewSet):
    """The national supplier registry as SMEs search it, and the approval workflow on a profile."""

    model = SupplierProfile
    serializer_class = SupplierDetailSerializer
    # The search applies SupplierFilter itself (search.search_suppliers); no generic filtering.
    filter_backends = []
    pagination_class = None
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return SupplierProfile.objects.visible_to(self.request.user)

    def _detail(self, pk):
        profile = get_scoped(profile_detail_queryset(self.get_queryset()), pk)
        return Response(SupplierDetailSerializer(profile, context=self.get_serializer_context()).data)

    def list(self, request):
        page_size = _bounded_int(request.query_params.get("page_size"), PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page_number = _bounded_int(request.query_params.get("page"), 1, 1, 10**6)
        result = search_suppliers(request.query_params, page_size=page_size, page=page_number)
        if not result.filterset.is_valid():
            raise serializers.ValidationError(result.filterset.errors)
        page = result.page
        profiles = list(page.object_list)
        prefetch_related_objects(profiles, *CARD_PREFETCH)
        url = request.build_absolute_uri()
        context = self.get_serializer_context()
        body = {
            "count": result.count,
            "next": replace_query_param(url, "page", page.next_page_number()) if page.has_next() else None,
            "previous": (
                (
                    replace_query_param(url, "page", page.previous_page_number())
                    if page.previous_page_number() > 1
                    else remove_query_param(url, "page")
                )
                if page.has_previous()
                else None
            ),
            "results": SupplierCardSerializer(profiles, many=True, context=context).data,
            "facets": {
                name: [
                    {"value": str(value), "label_ko": str(ko), "label_en": str(en), "count": count}
                    for value, ko, en, count in rows
                ]
                for name, rows in result.facets.items()
            },
        }
        return Response(body)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(
        parameters=[CompareQuerySerializer],
        responses={
            200: CompareSerializer,
            400: OpenApiResponse(description="The selection cannot be compared"),
        },
        description="2–4 registered suppliers side by side; ids outside what the user may compare answer 400.",
    )
    @action(detail=False, methods=["get"])
    def compare(self, request):
        values = request.query_params.getlist("ids")
        if not values:
            raise serializers.ValidationError(
                {"ids": [_("비교할 공급기업 번호를 ids로 보내 주십시오. 예: ?ids=12,34")]}
            )
        queryset = profile_detail_queryset(self.get_queryset().searchable())
        selection = compare_selection(values, queryset)
        if not selection.ok:
            raise serializers.ValidationError({"ids": [str(e) for e in selection.errors]})
        body = {"ids": selection.ids, "suppliers": selection.profiles}
        return Response(CompareSerializer(body, context=self.get_serializer_context()).data)

    def _move(self, request, pk, name):
        to_status, who, from_status = WORKFLOW[name]
        profile = get_scoped(self.get_queryset(), pk)
        if who == "reviewer" and not _is_reviewer(request.user):
            raise AccessDenied(_("공급기업 심사는 전담기관의 관리자와 담당자만 할 수 있습니다."))
        if (
            who == "supplier"
            and not SupplierProfile.objects.editable_by(request.user).filter(pk=profile.pk).exists()
        ):
            raise AccessDenied(_("공급기업 담당자만 심사를 요청할 수 있습니다."))
        body = StatusReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if from_status is not None and profile.status != from_status:
            raise Conflict(
                _("%(from)s 상태에서 %(to)s(으)로 바꿀 수 없습니다.")
                % {"from": profile.get_status_display(), "to": S(to_status).label},
                "illegal_transition",
                "status",
            )
        services.supplier_set_status(request.user, profile, to_status, reason=body.validated_data["reason"])
        return self._detail(profile.pk)

    @_workflow_schema("The supplier asks for review (draft or returned → submitted).")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._move(request, pk, "submit")

    @_workflow_schema("A reviewer opens the review (submitted → under review).")
    @action(detail=True, methods=["post"], url_path="start-review", url_name="start-review")
    def start_review(self, request, pk=None):
        return self._move(request, pk, "start_review")

    @_workflow_schema("A reviewer registers the supplier (under review → registered).")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._move(request, pk, "approve")

    @_workflow_schema("A reviewer returns the profile for changes, with a reason (under review → returned).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_changes(self, request, pk=None):
        return self._move(request, pk, "return_for_changes")

    @_workflow_schema("A reviewer rejects the registration, with a reason (under review → rejected).")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._move(request, pk, "reject")

    @_workflow_schema("A reviewer suspends a registered supplier, with a reason.")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._move(request, pk, "suspend")

    @_workflow_schema("A reviewer reinstates a suspended supplier, with a reason (suspended → registered).")
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._move(request, pk, "reinstate")


class TechDomainViewSet(viewsets.ReadOnlyModelViewSet):
    """The technical-domain taxonomy: reference data, the same for every signed-in user."""

    model = TechDomain
    serializer_class = TechDomainSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = []
    lookup_value_regex = r"[a-z0-9_-]+"

    def get_queryset(self):
        return TechDomain.objects.visible_to(self.request.user).filter(is_active=True)


# --- the supplier's own profile and offering ----------------------------------------------------------


def own_company(user):
    """The supplier company the user acts for (the first, when there are several), or 403."""
    ids = principal_for(user).company_ids_with(Role.SUPPLIER_MEMBER)
    company = (
        Company.objects.unrestricted().filter(pk__in=ids, kind=Company.Kind.SUPPLIER).order_by("pk").first()
    )
    if company is None:
        raise AccessDenied(_("공급기업 담당자만 자신의 공급기업 정보를 다룰 수 있습니다."))
    return company


def own_profile(user, *, required=True):
    company = own_company(user)
    profile = SupplierProfile.objects.editable_by(user).filter(company=company).first()
    if profile is None and required:
        raise DomainError(
            _("공급기업 정보가 아직 없습니다. 먼저 작성을 시작해 주십시오(POST supplier-profiles/me/)."),
            "no_profile",
        )
    return profile


class NoProfile(DomainError):
    status = 404


def _own_queryset():
    return SupplierProfile.objects.unrestricted().select_related("company").prefetch_related("domains")


class OwnProfileView(APIView):
    """The signed-in supplier member's own profile: read it, start it, change it. A change to the
    company's name sends a registered supplier back to review (the service decides)."""

    permission_classes = [permissions.IsAuthenticated]

    def _answer(self, request, profile, status_code=status.HTTP_200_OK):
        profile = get_scoped(
            _own_queryset().filter(pk__in=SupplierProfile.objects.editable_by(request.user)), profile.pk
        )
        return Response(OwnProfileSerializer(profile, context={"request": request}).data, status=status_code)

    def _profile(self, request):
        profile = own_profile(request.user, required=False)
        if profile is None:
            raise NoProfile(
                _("공급기업 정보가 아직 없습니다. 먼저 작성을 시작해 주십시오(POST supplier-profiles/me/)."),
                "no_profile",
            )
        return profile

    @extend_schema(
        responses={200: OwnProfileSerializer, 403: OpenApiResponse(description="Not a supplier member")}
    )
    def get(self, request):
        return self._answer(request, self._profile(request))

    @extend_schema(
        request=None,
        responses={200: OwnProfileSerializer, 201: OwnProfileSerializer},
        description="Start the profile as a draft (answers 200 with the existing one if already started).",
    )
    def post(self, request):
        company = own_company(request.user)
        existed = own_profile(request.user, required=False) is not None
        profile = services.supplier_profile_start(request.user, company)
        return self._answer(request, profile, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=OwnProfileSerializer, responses=OwnProfileSerializer)
    def patch(self, request):
        profile = self._profile(request)
        serializer = OwnProfileSerializer(
            profile, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        company_changes = changes.pop("company", None)
        domains = changes.pop("domains", None)
        reason = changes.pop("reason", "")
        with transaction.atomic():
            if company_changes:
                services.supplier_company_update(request.user, profile, company_changes, reason=reason)
            services.supplier_profile_update(request.user, profile, changes, domains=domains, reason=reason)
        return self._answer(request, profile)


class OwnOfferingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Base for the supplier's own solutions, certifications and cases: rows of the profiles the user
    may edit; new rows go to the user's own profile. Writes through the named services."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    save_service = None
    delete_service = None
    keyword = None

    def get_queryset(self):
        return self.model.objects.editable_by(self.request.user).order_by("pk")

    def _reread(self, obj):
        return get_scoped(self.get_queryset(), obj.pk)

    def perform_create(self, serializer):
        profile = own_profile(self.request.user)
        obj = type(self).save_service(self.request.user, profile, dict(serializer.validated_data))
        serializer.instance = self._reread(obj)

    def partial_update(self, request, pk=None):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = type(self).save_service(
            request.user, obj.profile, dict(serializer.validated_data), **{self.keyword: obj}
        )
        return Response(self.get_serializer(self._reread(saved)).data)

    def perform_destroy(self, instance):
        type(self).delete_service(self.request.user, instance.profile, instance)


@extend_schema_view(
    create=extend_schema(responses={201: SolutionSerializer}),
    partial_update=extend_schema(responses=SolutionSerializer),
)
class OwnSolutionViewSet(OwnOfferingViewSet):
    """The supplier's own solutions."""

    model = Solution
    serializer_class = SolutionSerializer
    save_service = staticmethod(services.solution_save)
    delete_service = staticmethod(services.solution_delete)
    keyword = "solution"

    def get_queryset(self):
        return super().get_queryset().select_related("domain", "profile")


@extend_schema_view(
    create=extend_schema(responses={201: CertificationSerializer}),
    partial_update=extend_schema(responses=CertificationSerializer),
)
class OwnCertificationViewSet(OwnOfferingViewSet):
    """The supplier's own certifications. Adding, changing or removing one sends a registered
    supplier back to review. Send a document as multipart/form-data."""

    model = Certification
    serializer_class = CertificationSerializer
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    save_service = staticmethod(services.certification_save)
    delete_service = staticmethod(services.certification_delete)
    keyword = "certification"

    def get_queryset(self):
        return super().get_queryset().select_related("profile")


@extend_schema_view(
    create=extend_schema(responses={201: ImplementationCaseSerializer}),
    partial_update=extend_schema(responses=ImplementationCaseSerializer),
)
class OwnCaseViewSet(OwnOfferingViewSet):
    """The supplier's own past implementation cases."""

    model = ImplementationCase
    serializer_class = ImplementationCaseSerializer
    save_service = staticmethod(services.case_save)
    delete_service = staticmethod(services.case_delete)
    keyword = "case"

    def get_queryset(self):
        return super().get_queryset().select_related("profile", "client_sector", "client_region")


# --- capability assessments --------------------------------------------------------------------------


class CapabilityAssessmentFilter(filters.FilterSet):
    profile = filters.NumberFilter(label=_("공급기업 ID"), field_name="profile_id")
    operator = filters.NumberFilter(label=_("평가 기관 ID"), field_name="operator_id")


class AssessorCreates(permissions.BasePermission):
    """Recording an assessment is for operator admins and staff (and platform admins)."""

    message = _("역량 평가는 운영기관의 관리자와 담당자만 기록할 수 있습니다.")
    code = "forbidden"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        p = principal_for(request.user)
        return p.is_platform_admin or bool(p.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF))


@extend_schema_view(create=extend_schema(responses={201: CapabilityAssessmentSerializer}))
class CapabilityAssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Operators' capability assessments of the suppliers the user may see, newest first. Recording
    one recomputes the supplier's rating."""

    model = CapabilityAssessment
    serializer_class = CapabilityAssessmentSerializer
    filterset_class = CapabilityAssessmentFilter
    filter_backends = [filters.DjangoFilterBackend]
    permission_classes = [permissions.IsAuthenticated, AssessorCreates]

    def get_queryset(self):
        return CapabilityAssessment.objects.visible_to(self.request.user).order_by("-assessed_on", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assessment = services.capability_assessment_record(self.request.user, data.pop("profile"), **data)
        serializer.instance = get_scoped(self.get_queryset(), assessment.pk)
