"""API for programmes, calls and everything hanging off them.

Thin by design: every object is looked up inside `visible_to(user)` (missing and forbidden are
the same 404), every write goes through `programs.services`, and the answer is the row re-read
inside the user's scope. A wrong role is refused (403) before the body is read, so it never
learns anything from validation errors.
"""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.models import Role

from . import diagnosis, funding, selectors, services
from .filters import CallFilter, ProgrammeFilter
from .models import (
    Call,
    EligibilityRule,
    Funder,
    FundingQuote,
    FundingQuoteRevision,
    Programme,
    RequiredDocument,
    SavedSearch,
    SelfDiagnosis,
    Track,
)
from .querysets import editor_operator_ids
from .serializers import (
    CallCancelSerializer,
    CallCloneSerializer,
    CallDetailSerializer,
    CallSerializer,
    CallStateSerializer,
    CallWatchSerializer,
    CallWriteSerializer,
    EligibilityRuleSerializer,
    FundingQuoteSerializer,
    ProgrammeSerializer,
    QuestionnaireSerializer,
    QuoteInputSerializer,
    QuoteSerializer,
    RecommendationListSerializer,
    RecommendationQuerySerializer,
    RequiredDocumentSerializer,
    SavedSearchSerializer,
    SelfDiagnosisSerializer,
    TrackFundersSerializer,
    TrackSerializer,
)

FORBIDDEN = _("이 작업을 할 권한이 없습니다.")


# --- permissions ---------------------------------------------------------------------------------


def _is_editor(user):
    p = principal_for(user)
    return p.is_platform_admin or bool(editor_operator_ids(user))


def _has_company(user, *roles):
    p = principal_for(user)
    if p.is_platform_admin:
        return True
    return bool(p.company_ids_with(*roles) if roles else p.company_ids)


class EditorWrites(permissions.BasePermission):
    """Writes need an operator editor role, and the object must be in `editable_by(user)`.
    Reads fall through to the object's visibility (already applied by the queryset)."""

    message = _("이 운영기관의 사업과 공고를 관리할 권한이 없습니다.")
    code = "forbidden"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated) and _is_editor(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj).objects.editable_by(request.user).filter(pk=obj.pk).exists()


def get_scoped(queryset, pk):
    """The row inside the scope, or 404: used again after every write, so a write never answers
    with something the user could not read."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _funding_error(exc):
    """The calculator names its own parameters; answer with the names the client sent."""
    fields = {"consortium": "consortium_roles", "region_code": "region", "total_cost": "total_cost"}
    return DomainError(exc.message, exc.code, fields.get(exc.field, "track"))


# --- filters for the parts of a call (ids as plain numbers: no lookup over all rows) ---------------


class CallPartFilter(django_filters.FilterSet):
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="call_id")


class EligibilityRuleFilter(CallPartFilter):
    track = django_filters.NumberFilter(label=_("지원 유형 ID"), field_name="track_id")


class FundingQuoteFilter(django_filters.FilterSet):
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="track__call_id")
    track = django_filters.NumberFilter(label=_("지원 유형 ID"), field_name="track_id")
    company = django_filters.NumberFilter(label=_("기업 ID"), field_name="company_id")


class SelfDiagnosisFilter(django_filters.FilterSet):
    company = django_filters.NumberFilter(label=_("기업 ID"), field_name="company_id")


# --- programmes ----------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(responses={201: ProgrammeSerializer}),
    partial_update=extend_schema(responses=ProgrammeSerializer),
)
class ProgrammeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Programmes of the user's operators, and those behind published calls."""

    model = Programme
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    permission_classes = [permissions.IsAuthenticated, EditorWrites]
    ordering_fields = ["fiscal_year", "name_ko", "budget", "created_at"]

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).select_related("operator")

    def _read(self, pk):
        return get_scoped(self.get_queryset(), pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = services.programme_create(self.request.user, operator=data.pop("operator"), **data)
        serializer.instance = self._read(programme.pk)

    def partial_update(self, request, pk=None):
        programme = self.get_object()
        serializer = self.get_serializer(programme, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.programme_update(request.user, programme, dict(serializer.validated_data))
        return Response(ProgrammeSerializer(self._read(programme.pk)).data)


# --- calls -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Calls the user may see; anonymous users see every public call."),
    create=extend_schema(request=CallWriteSerializer, responses={201: CallDetailSerializer}),
    partial_update=extend_schema(request=CallWriteSerializer, responses=CallDetailSerializer),
)
class CallViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Announcements. Reading is open to anyone who can see the call (public ones to everyone);
    changing it is for the owning operator's editors, through the services."""

    model = Call
    serializer_class = CallSerializer
    filterset_class = CallFilter
    # Announcements are public; anything that writes needs a signed-in editor.
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, EditorWrites]
    ordering_fields = ["closes_at", "opens_at", "published_at", "total_budget", "reference"]

    def get_queryset(self):
        queryset = Call.objects.visible_to(self.request.user)
        if self.action in ("list", "quote"):
            queryset = selectors.call_list(queryset)
        return queryset

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return CallWriteSerializer
        if self.action == "retrieve":
            return CallDetailSerializer
        return CallSerializer

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        call = selectors.call_detail(Call.objects.visible_to(self.request.user), pk)
        if call is None:
            raise Http404
        return Response(CallDetailSerializer(call).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def create(self, request):
        serializer = CallWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        call = services.call_create(
            request.user,
            programme=data.pop("programme"),
            regions=data.pop("eligible_regions", None),
            sectors=data.pop("eligible_sectors", None),
            **data,
        )
        return self._detail(call.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        call = self.get_object()
        serializer = CallWriteSerializer(
            call, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        regions, sectors = changes.pop("eligible_regions", None), changes.pop("eligible_sectors", None)
        reason = changes.pop("reason", "")
        services.call_update(request.user, call, changes, regions=regions, sectors=sectors, reason=reason)
        return self._detail(call.pk)

    @extend_schema(request=None, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Announce a draft; refused (409) with what to fix while tracks or templates are missing."""
        services.call_publish(request.user, self.get_object())
        return self._detail(pk)

    @extend_schema(request=CallCancelSerializer, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a call; the reason is sent to everyone watching it."""
        call = self.get_object()
        serializer = CallCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.call_cancel(request.user, call, reason=serializer.validated_data["reason"])
        return self._detail(pk)

    @extend_schema(request=CallStateSerializer, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"], url_path="set-state", url_name="set-state")
    def set_state(self, request, pk=None):
        """Move a call along its life (closed → evaluating → concluded); illegal moves answer 409."""
        call = self.get_object()
        serializer = CallStateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.call_set_state(
            request.user,
            call,
            serializer.validated_data["status"],
            reason=serializer.validated_data["reason"],
        )
        return self._detail(pk)

    @extend_schema(request=CallCloneSerializer, responses={201: CallDetailSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request, pk=None):
        """Start next year's call from this one (a draft, dates a year on)."""
        call = self.get_object()
        serializer = CallCloneSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        copy = services.call_clone(request.user, call, programme=serializer.validated_data["programme"])
        return self._detail(copy.pk, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], parameters=[QuoteInputSerializer], responses=QuoteSerializer)
    @extend_schema(methods=["POST"], request=QuoteInputSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["get", "post"], permission_classes=[permissions.AllowAny])
    def quote(self, request, pk=None):
        """Who pays what for a project cost on one track: for anyone who can see the call."""
        call = self.get_object()
        data = request.query_params if request.method == "GET" else request.data
        serializer = QuoteInputSerializer(data=data, context={"call": call, "request": request})
        serializer.is_valid(raise_exception=True)
        track, region = serializer.validated_data["track"], serializer.validated_data["region"]
        try:
            result = services.quote(
                track,
                serializer.validated_data["total_cost"],
                region_code=region.pk if region else None,
                consortium_roles=serializer.validated_data["consortium_roles"],
            )
        except funding.FundingInputError as exc:
            raise _funding_error(exc) from exc
        body = {
            "call": call.pk,
            "track": track.pk,
            "template_version": track.template_version,
            "total_cost": result.total_cost,
            "region": region.pk if region else None,
            "rounding_unit": result.rounding_unit,
            "shares": result.as_json(),
            "funders_total": result.funders_total,
            "sme_share": result.sme_share,
        }
        return Response(QuoteSerializer(body).data)

    @extend_schema(methods=["GET"], request=None, responses=CallWatchSerializer)
    @extend_schema(methods=["POST"], request=None, responses=CallWatchSerializer)
    @action(detail=True, methods=["get", "post"], permission_classes=[permissions.IsAuthenticated])
    def watch(self, request, pk=None):
        """Follow a call: reminders 7 days and 1 day before it closes."""
        call = self.get_object()
        if request.method == "POST":
            services.call_watch(request.user, call)
        watching = call.watches.filter(user=request.user).exists()
        return Response(CallWatchSerializer({"call": call.pk, "watching": watching}).data)

    @extend_schema(request=None, responses={204: None})
    @watch.mapping.delete
    def unwatch(self, request, pk=None):
        services.call_unwatch(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- tracks and the parts of a call ----------------------------------------------------------------


def _tracks(queryset):
    return queryset.prefetch_related(
        Prefetch("funders", queryset=Funder.objects.unrestricted().order_by("order", "pk")), "bonus_regions"
    )


@extend_schema_view(
    create=extend_schema(responses={201: TrackSerializer}),
    partial_update=extend_schema(responses=TrackSerializer),
)
class TrackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Funding tracks of the calls the user can see; changed by the call's editors while it is a draft
    (the cost-share template also after publishing, with a reason, through `funders`)."""

    model = Track
    serializer_class = TrackSerializer
    filterset_class = CallPartFilter
    permission_classes = [permissions.IsAuthenticated, EditorWrites]

    def get_queryset(self):
        return _tracks(Track.objects.visible_to(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        funders = data.pop("funders", None)
        track = services.track_create(
            self.request.user,
            data.pop("call"),
            bonus_regions=data.pop("bonus_regions", None),
            funders=[dict(row) for row in funders] if funders is not None else None,
            **data,
        )
        serializer.instance = get_scoped(self.get_queryset(), track.pk)

    def partial_update(self, request, pk=None):
        track = self.get_object()
        serializer = self.get_serializer(track, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        bonus_regions = changes.pop("bonus_regions", None)
        services.track_update(request.user, track, changes, bonus_regions=bonus_regions)
        return Response(TrackSerializer(get_scoped(self.get_queryset(), track.pk)).data)

    def perform_destroy(self, instance):
        services.track_delete(self.request.user, instance)

    @extend_schema(request=TrackFundersSerializer, responses=TrackSerializer)
    @action(detail=True, methods=["put"])
    def funders(self, request, pk=None):
        """Replace the track's cost-share template; after publishing a reason is required and stored
        quotes are recomputed."""
        track = self.get_object()
        serializer = TrackFundersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = [dict(row) for row in serializer.validated_data["funders"]]
        services.track_set_funders(request.user, track, rows, reason=serializer.validated_data["reason"])
        return Response(TrackSerializer(get_scoped(self.get_queryset(), track.pk)).data)


@extend_schema_view(create=extend_schema(responses={201: RequiredDocumentSerializer}))
class RequiredDocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents an application must attach; added and removed while the call is a draft."""

    model = RequiredDocument
    serializer_class = RequiredDocumentSerializer
    filterset_class = CallPartFilter
    permission_classes = [permissions.IsAuthenticated, EditorWrites]

    def get_queryset(self):
        return RequiredDocument.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        doc = services.required_document_add(self.request.user, data.pop("call"), **data)
        serializer.instance = get_scoped(self.get_queryset(), doc.pk)

    def perform_destroy(self, instance):
        services.required_document_remove(self.request.user, instance)


@extend_schema_view(
    create=extend_schema(responses={201: EligibilityRuleSerializer}),
    partial_update=extend_schema(responses=EligibilityRuleSerializer),
)
class EligibilityRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A call's eligibility rule set; parameters are checked for the rule's kind by the service."""

    model = EligibilityRule
    serializer_class = EligibilityRuleSerializer
    filterset_class = EligibilityRuleFilter
    permission_classes = [permissions.IsAuthenticated, EditorWrites]

    def get_queryset(self):
        return EligibilityRule.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        rule = services.eligibility_rule_save(
            self.request.user,
            data["call"],
            kind=data["kind"],
            params=data.get("params") or {},
            track=data.get("track"),
            is_active=data.get("is_active", True),
        )
        serializer.instance = get_scoped(self.get_queryset(), rule.pk)

    def partial_update(self, request, pk=None):
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind = data.get("kind", rule.kind)
        # A new kind starts from its own defaults rather than the old kind's parameters.
        params = data.get("params", rule.params if kind == rule.kind else {})
        services.eligibility_rule_save(
            request.user,
            rule.call,
            rule=rule,
            kind=kind,
            params=params,
            track=data.get("track", rule.track),
            is_active=data.get("is_active", rule.is_active),
        )
        return Response(EligibilityRuleSerializer(get_scoped(self.get_queryset(), rule.pk)).data)

    def perform_destroy(self, instance):
        services.eligibility_rule_remove(self.request.user, instance)


# --- funding quotes ----------------------------------------------------------------------------------


class CompanyMemberCreates(permissions.BasePermission):
    """Storing a quote is the company's own business: only its members (or a platform admin)."""

    message = FORBIDDEN
    code = "forbidden"

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or _has_company(request.user)


@extend_schema_view(create=extend_schema(responses={201: FundingQuoteSerializer}))
class FundingQuoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Stored quotes (with their recalculation history): the company's and the call owner's."""

    model = FundingQuote
    serializer_class = FundingQuoteSerializer
    filterset_class = FundingQuoteFilter
    permission_classes = [permissions.IsAuthenticated, CompanyMemberCreates]

    def get_queryset(self):
        return (
            FundingQuote.objects.visible_to(self.request.user)
            .select_related("track")
            .prefetch_related(
                Prefetch("revisions", queryset=FundingQuoteRevision.objects.unrestricted().order_by("pk"))
            )
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            stored = services.funding_quote_save(
                self.request.user,
                track=data["track"],
                company=data["company"],
                total_cost=data["total_cost"],
                consortium_roles=data.get("consortium_roles", []),
                label=data.get("label", ""),
            )
        except funding.FundingInputError as exc:
            raise _funding_error(exc) from exc
        serializer.instance = get_scoped(self.get_queryset(), stored.pk)


# --- saved searches, self-diagnosis, recommendations ---------------------------------------------------


@extend_schema_view(create=extend_schema(responses={201: SavedSearchSerializer}))
class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The user's own saved call searches: an e-mail when a matching call is published."""

    model = SavedSearch
    serializer_class = SavedSearchSerializer

    def get_queryset(self):
        return SavedSearch.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        search = services.saved_search_create(
            self.request.user,
            name=data["name"],
            criteria=data.get("criteria", {}),
            notify=data.get("notify", True),
        )
        serializer.instance = get_scoped(self.get_queryset(), search.pk)

    def perform_destroy(self, instance):
        services.saved_search_delete(self.request.user, instance)


class SmeMemberCreates(permissions.BasePermission):
    """A self-diagnosis speaks for the firm: only its SME members submit one."""

    message = FORBIDDEN
    code = "forbidden"

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or _has_company(request.user, Role.SME_MEMBER)


@extend_schema_view(create=extend_schema(responses={201: SelfDiagnosisSerializer}))
class SelfDiagnosisViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A firm's unofficial self-diagnoses, newest first."""

    model = SelfDiagnosis
    serializer_class = SelfDiagnosisSerializer
    filterset_class = SelfDiagnosisFilter
    permission_classes = [permissions.IsAuthenticated, SmeMemberCreates]

    def get_queryset(self):
        return SelfDiagnosis.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        record = services.self_diagnosis_submit(self.request.user, data["company"], data["answers"])
        serializer.instance = get_scoped(self.get_queryset(), record.pk)


class SelfDiagnosisQuestionsView(APIView):
    """The questionnaire, in the language of the request (Accept-Language)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=QuestionnaireSerializer)
    def get(self, request):
        body = {
            "areas": [{"code": code, "label": str(label)} for code, label in diagnosis.AREAS.items()],
            "questions": [
                {
                    "code": q.code,
                    "area": q.area,
                    "text": str(q.text),
                    "help": str(q.help),
                    "choices": [
                        {"value": c.value, "label": str(c.label), "points": c.points} for c in q.choices
                    ],
                }
                for q in diagnosis.QUESTIONS
            ],
        }
        return Response(QuestionnaireSerializer(body).data)


class RecommendationsView(APIView):
    """Open and upcoming calls for one of the user's companies, best first, with the reasons.

    With no official level on record the latest self-diagnosis stands in (marked as an estimate).
    Calls the company may apply to come first; among them and among the rest the fit ranking holds."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[RecommendationQuerySerializer],
        responses={200: RecommendationListSerializer, 400: OpenApiResponse(description="Unknown company")},
    )
    def get(self, request):
        if not _has_company(request.user):
            raise AccessDenied(_("소속 기업이 있는 사용자만 추천 공고를 볼 수 있습니다."))
        query = RecommendationQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        company = query.validated_data["company"]
        estimate = selectors.latest_diagnosis(company) if company.smart_factory_level == "none" else None
        rows = selectors.recommendations(
            company, estimate=estimate, queryset=Call.objects.visible_to(request.user)
        )
        results = []
        for call, fit, rule_results in rows:
            results.append(
                {
                    "call": call,
                    "track": fit.track_id,
                    "fit_score": fit.score,
                    "eligible": selectors.is_recommendable(fit, rule_results),
                    "reasons": fit.reasons,
                    "eligibility": rule_results,
                }
            )
        body = {
            "company": company.pk,
            "level": estimate.estimated_level if estimate else company.smart_factory_level,
            "level_is_estimate": estimate is not None,
            "self_diagnosis": estimate.pk if estimate else None,
            "results": results,
        }
        return Response(RecommendationListSerializer(body).data)
