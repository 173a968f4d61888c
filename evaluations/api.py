"""API for evaluation and selection, for three kinds of user.

- Operators (staff of the operator running the call): the evaluator pool and declared interests,
  plans, stages and rubrics, track expertise, committees, assignments (draw, swap, reopen, batch
  actions), the exclusion report and draw records, ranking and result sheets, cost reviews,
  decisions within the budget, matching notes, objections and PDF reports. Objects are looked up in
  `run_by(user)` (or `visible_to(user)` where reviewers share the endpoint).
- Reviewers (role evaluator): their profile and interests, their committee seats (answer, pledge)
  and, under `reviewer/assignments/`, the sheets they score (`Assignment.objects.reviewed_by`), each
  with the frozen submission, the rubric, their saved scores and the suppliers' data.
- Applicants (SME members of the lead company), under `applicant/`: released decisions and their
  result sheets (never a reviewer's name), matching notes to answer, objections to lodge.

Thin by design: missing and forbidden both answer 404; every write goes through
`evaluations.services`, and the answer is the row read again inside the user's scope.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.models import Submission
from organizations.access import principal_for
from organizations.errors import DomainError
from organizations.models import Role
from organizations.pages import file_response
from sfms.middleware import received_at

from . import selectors, services
from .filters import (
    AssignmentFilter,
    CostReviewFilter,
    DecisionFilter,
    EvaluatorFilter,
    EvaluatorPartFilter,
    MatchingNoteFilter,
    ObjectionFilter,
    PlanFilter,
    ReportFilter,
    SeatFilter,
    StageFilter,
    StagePartFilter,
    TrackExpertiseFilter,
)
from .models import (
    Assignment,
    AssignmentDraw,
    CommitteeSeat,
    CostReview,
    Criterion,
    Decision,
    DeclaredInterest,
    EvaluationPlan,
    EvaluationReport,
    Evaluator,
    MatchingNote,
    Objection,
    ReportStatus,
    Score,
    Stage,
    TrackExpertise,
)
from .serializers import (
    ApplicantDecisionSerializer,
    ApplicantResultSerializer,
    AssignmentSerializer,
    AssignmentSwapSerializer,
    BatchResultSerializer,
    BatchSerializer,
    BudgetPositionSerializer,
    CostReviewRecordSerializer,
    CostReviewSerializer,
    CriterionCreateSerializer,
    CriterionSerializer,
    CriterionUpdateSerializer,
    DecideSerializer,
    DecisionSerializer,
    DrawRequestSerializer,
    DrawSerializer,
    EvaluationReasonSerializer,
    EvaluatorCreateSerializer,
    EvaluatorSerializer,
    EvaluatorUpdateSerializer,
    ExclusionSerializer,
    InterestDeclareSerializer,
    InterestEndSerializer,
    InterestSerializer,
    MatchingNoteRespondSerializer,
    MatchingNoteSendSerializer,
    MatchingNoteSerializer,
    ObjectionDecideSerializer,
    ObjectionLodgeSerializer,
    ObjectionSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    PledgeSerializer,
    RankingSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    ReviewerAssignmentSerializer,
    ReviewerSheetSerializer,
    ScoresSerializer,
    SeatInviteSerializer,
    SeatRespondSerializer,
    SeatSerializer,
    SheetStageSerializer,
    StageSerializer,
    StageSkipSerializer,
    StageUpdateSerializer,
    TrackExpertiseSerializer,
    TrackExpertiseSetSerializer,
    lead_decisions,
)

AUTH = [permissions.IsAuthenticated]
READ_WRITE = ["get", "post", "patch", "head", "options"]
READ_CREATE = ["get", "post", "head", "options"]


def get_scoped(queryset, pk):
    """The row inside the scope, or 404: used again after every write."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _paginated(name, item):
    """A page of `item` rows, for actions that paginate by hand."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


PaginatedExclusionList = _paginated("PaginatedExclusionReportList", ExclusionSerializer)
PAGE_PARAMS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="페이지 번호"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="페이지당 행 수(최대 100)"),
]
SUBMISSION_PARAM = OpenApiParameter("submission", OpenApiTypes.INT, required=True, description="제출본 ID")


# --- the pool ------------------------------------------------------------------------------------


def _evaluators(queryset):
    return queryset.select_related("user").prefetch_related("domains")


@extend_schema_view(
    list=extend_schema(description="Operators: their pool. Reviewers: their own profile(s)."),
    create=extend_schema(
        request=EvaluatorCreateSerializer,
        responses={201: EvaluatorSerializer},
        description="Add an expert to the operator's pool (a login without a password is made).",
    ),
    partial_update=extend_schema(request=EvaluatorUpdateSerializer, responses=EvaluatorSerializer),
)
class EvaluatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = Evaluator
    serializer_class = EvaluatorSerializer
    filterset_class = EvaluatorFilter
    permission_classes = AUTH
    http_method_names = READ_WRITE

    def get_queryset(self):
        return _evaluators(Evaluator.objects.visible_to(self.request.user))

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(EvaluatorSerializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)

    def create(self, request):
        data = dict(_valid(EvaluatorCreateSerializer, request))
        operator = data.pop("operator")
        evaluator = services.evaluator_add(request.user, operator, **data)
        return self._read(evaluator.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        evaluator = self.get_object()
        data = dict(_valid(EvaluatorUpdateSerializer, request, partial=True))
        domains = data.pop("domains", None)
        reason = data.pop("reason", "")
        services.evaluator_update(request.user, evaluator, data, domains=domains, reason=reason)
        return self._read(evaluator.pk)

    @extend_schema(request=None, responses=EvaluatorSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-interests", url_name="confirm-interests")
    def confirm_interests(self, request, pk=None):
        """The reviewer confirms the declared interests are complete and current (valid a year)."""
        evaluator = self.get_object()
        services.interests_confirm(request.user, evaluator, now=received_at(request))
        return self._read(evaluator.pk)


@extend_schema_view(
    create=extend_schema(request=InterestDeclareSerializer, responses={201: InterestSerializer}),
)
class InterestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Declared interests: a company the evaluator is related to is never assigned to them."""

    model = DeclaredInterest
    serializer_class = InterestSerializer
    filterset_class = EvaluatorPartFilter
    permission_classes = AUTH

    def get_queryset(self):
        return DeclaredInterest.objects.filter(
            evaluator__in=Evaluator.objects.visible_to(self.request.user)
        ).select_related("company")

    def create(self, request):
        data = dict(_valid(InterestDeclareSerializer, request))
        evaluator = data.pop("evaluator")
        interest = services.interest_declare(request.user, evaluator, **data)
        return Response(
            InterestSerializer(get_scoped(self.get_queryset(), interest.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=InterestEndSerializer, responses=InterestSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The relation ended (default today); applications involving the company may be assigned
        again from the day after."""
        interest = self.get_object()
        data = _valid(InterestEndSerializer, request)
        services.interest_end(
            request.user,
            interest,
            ended_on=data.get("ended_on") or timezone.localdate(),
            reason=data["reason"],
        )
        return Response(InterestSerializer(get_scoped(self.get_queryset(), interest.pk)).data)


# --- plan, stages, rubric ------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
        description="Set up the call's evaluation with its stages (scoring stages get the standard "
        "rubric). Again on the same call: adds the missing stages.",
    ),
    partial_update=extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = EvaluationPlan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    permission_classes = AUTH
    http_method_names = READ_WRITE

    def get_queryset(self):
        return (
            EvaluationPlan.objects.run_by(self.request.user)
            .select_related("call")
            .prefetch_related("stages")
            .order_by("-pk")
        )

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(PlanSerializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)

    def create(self, request):
        data = dict(_valid(PlanCreateSerializer, request))
        call = data.pop("call")
        plan = services.plan_set_up(request.user, call, **data)
        return self._read(plan.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        plan = self.get_object()
        services.plan_update(request.user, plan, dict(_valid(PlanUpdateSerializer, request, partial=True)))
        return self._read(plan.pk)

    @extend_schema(responses=RankingSerializer)
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """The last scored stage's results per track, by rank, with the government share the budget
        counts and any decision; and the budget position."""
        plan = self.get_object()
        stage, tracks = selectors.ranking(plan)
        budget, committed, left = selectors.budget_position(plan)
        body = {
            "stage": stage.pk if stage else None,
            "tracks": [{"track": track, "rows": rows} for track, rows in tracks],
            "budget": {"budget": budget, "committed": committed, "left": left},
        }
        return Response(RankingSerializer(body).data)

    @extend_schema(responses=BudgetPositionSerializer)
    @action(detail=True, methods=["get"])
    def budget(self, request, pk=None):
        """The call budget, the government shares committed to selected projects, and what is left
        (whole won)."""
        budget, committed, left = selectors.budget_position(self.get_object())
        return Response(
            BudgetPositionSerializer({"budget": budget, "committed": committed, "left": left}).data
        )

    @extend_schema(
        parameters=[SUBMISSION_PARAM],
        responses=SheetStageSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="result-sheet", url_name="result-sheet")
    def result_sheet(self, request, pk=None):
        """One submission's results by stage, with the reviewers' comments and names."""
        plan = self.get_object()
        submission = _submission_param(request, plan)
        return Response(SheetStageSerializer(selectors.result_sheet(plan, submission), many=True).data)

    @extend_schema(request=None, responses={200: OpenApiResponse(description='{"finalised": n}')})
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """The deliberation committee confirms the selection: every decision becomes final."""
        count = services.decisions_finalise(request.user, self.get_object(), now=received_at(request))
        return Response({"finalised": count})


def _submission_param(request, plan):
    raw = request.query_params.get("submission", "")
    if not raw.isdigit():
        raise DomainError(_("제출본 번호를 입력해 주십시오."), "required", "submission")
    submission = (
        Submission.objects.visible_to(request.user)
        .filter(pk=int(raw), application__call_id=plan.call_id)
        .select_related("application")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def _stages(queryset):
    return queryset.select_related("plan").prefetch_related("criteria")


@extend_schema_view(partial_update=extend_schema(request=StageUpdateSerializer, responses=StageSerializer))
class StageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A plan's stages with their rubric; open, close (results and ranks are written) or skip."""

    model = Stage
    serializer_class = StageSerializer
    filterset_class = StageFilter
    permission_classes = AUTH
    http_method_names = READ_WRITE

    def get_queryset(self):
        return _stages(Stage.objects.run_by(self.request.user))

    def _read(self, pk):
        return Response(StageSerializer(get_scoped(self.get_queryset(), pk)).data)

    def partial_update(self, request, pk=None):
        stage = self.get_object()
        services.stage_update(request.user, stage, dict(_valid(StageUpdateSerializer, request, partial=True)))
        return self._read(stage.pk)

    @extend_schema(request=None, responses=StageSerializer)
    @action(detail=True, methods=["post"], url_path="open", url_name="open")
    def open_stage(self, request, pk=None):
        """Start scoring (the rubric's weights must sum to 100)."""
        stage = self.get_object()
        services.stage_open(request.user, stage)
        return self._read(stage.pk)

    @extend_schema(request=None, responses=StageSerializer)
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close_stage(self, request, pk=None):
        """Close scoring once every live sheet is submitted; results and ranks are written."""
        stage = self.get_object()
        services.stage_close(request.user, stage, now=received_at(request))
        return self._read(stage.pk)

    @extend_schema(request=StageSkipSerializer, responses=StageSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        stage = self.get_object()
        services.stage_skip(request.user, stage, reason=_valid(StageSkipSerializer, request)["reason"])
        return self._read(stage.pk)

    @extend_schema(request=DrawRequestSerializer, responses={201: DrawSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """Assign the eligible submissions by a recorded, reproducible draw that leaves out conflicts
        of interest. The answer names the seed, the pairs drawn and any shortfalls."""
        stage = self.get_object()
        seed = _valid(DrawRequestSerializer, request)["seed"] or None
        draw = services.assignment_draw(request.user, stage, seed=seed)
        return Response(DrawSerializer(_draw(request, draw.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchSerializer, responses=BatchResultSerializer)
    @action(detail=True, methods=["post"])
    def batch(self, request, pk=None):
        """One action for many submissions: assign (draw for them), reassign (release unsubmitted
        sheets and draw again, with a reason), remind (reviewers with open sheets), release_results
        (tell the applicants their final decisions)."""
        stage = self.get_object()
        data = _valid(BatchSerializer, request)
        ids, user, draw, count = data["submission_ids"], request.user, None, 0
        if data["action"] == "assign":
            draw = services.assignment_draw(user, stage, submission_ids=ids)
        elif data["action"] == "reassign":
            draw = services.assignments_reassign(user, stage, submission_ids=ids, reason=data["reason"])
        elif data["action"] == "remind":
            count = services.assignments_remind(user, stage, submission_ids=ids, now=received_at(request))
        else:
            decisions = dict(
                Decision.objects.run_by(user)
                .filter(plan_id=stage.plan_id, submission_id__in=ids)
                .values_list("submission_id", "pk")
            )
            missing = sorted(set(ids) - set(decisions))
            if missing:
                raise DomainError(
                    _("결정이 없는 신청서가 있습니다(제출본 %(ids)s). 먼저 결정해 주십시오.")
                    % {"ids": ", ".join(str(i) for i in missing)},
                    "no_decision",
                    "submission_ids",
                )
            count = services.results_release(
                user, stage.plan, decision_ids=list(decisions.values()), now=received_at(request)
            )
        if draw is not None:
            draw = _draw(request, draw.pk)
            count = len(draw.outcome.get("pairs", []))
        return Response(BatchResultSerializer({"action": data["action"], "count": count, "draw": draw}).data)

    @extend_schema(responses=PaginatedExclusionList, parameters=PAGE_PARAMS)
    @action(detail=True, methods=["get"], url_path="exclusion-report", url_name="exclusion-report")
    def exclusion_report(self, request, pk=None):
        """Why each reviewer was not assigned each submission (the latest reasons per pair)."""
        rows = selectors.exclusion_report(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ExclusionSerializer(page, many=True).data)


def _draw(request, pk):
    return get_scoped(AssignmentDraw.objects.run_by(request.user).select_related("performed_by"), pk)


@extend_schema_view(
    create=extend_schema(request=CriterionCreateSerializer, responses={201: CriterionSerializer}),
    partial_update=extend_schema(request=CriterionUpdateSerializer, responses=CriterionSerializer),
)
class CriterionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A scoring stage's rubric; locked once a sheet is submitted."""

    model = Criterion
    serializer_class = CriterionSerializer
    filterset_class = StagePartFilter
    permission_classes = AUTH
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Criterion.objects.run_by(self.request.user)

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(CriterionSerializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)

    def create(self, request):
        data = dict(_valid(CriterionCreateSerializer, request))
        criterion = services.criterion_save(request.user, data.pop("stage"), data)
        return self._read(criterion.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        criterion = self.get_object()
        data = dict(_valid(CriterionUpdateSerializer, request, partial=True))
        services.criterion_save(request.user, criterion.stage, data, criterion=criterion)
        return self._read(criterion.pk)

    def perform_destroy(self, instance):
        services.criterion_delete(self.request.user, instance)


@extend_schema_view(
    create=extend_schema(
        request=TrackExpertiseSetSerializer,
        responses={200: TrackExpertiseSerializer},
        description="Set the domains a track's reviewers must know (an empty list: any reviewer).",
    )
)
class TrackExpertiseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = TrackExpertise
    serializer_class = TrackExpertiseSerializer
    filterset_class = TrackExpertiseFilter
    permission_classes = AUTH
    http_method_names = READ_CREATE

    def get_queryset(self):
        return (
            TrackExpertise.objects.run_by(self.request.user)
            .order_by("track__call_id", "track__order", "pk")
            .select_related("track")
            .prefetch_related("domains")
        )

    def create(self, request):
        data = _valid(TrackExpertiseSetSerializer, request)
        expertise = services.track_expertise_set(request.user, data["track"], data["domains"])
        return Response(TrackExpertiseSerializer(get_scoped(self.get_queryset(), expertise.pk)).data)


# --- committee -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Operators: the committees of their calls. Reviewers: their seats."),
    create=extend_schema(request=SeatInviteSerializer, responses={201: SeatSerializer}),
)
class SeatViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    model = CommitteeSeat
    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    permission_classes = AUTH

    def get_queryset(self):
        return CommitteeSeat.objects.visible_to(self.request.user).select_related(
            "evaluator", "stage__plan__call"
        )

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(SeatSerializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)

    def create(self, request):
        data = _valid(SeatInviteSerializer, request)
        seat = services.seat_invite(request.user, data["stage"], data["evaluator"], is_chair=data["is_chair"])
        return self._read(seat.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SeatRespondSerializer, responses=SeatSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The invited reviewer accepts or declines."""
        seat = self.get_object()
        data = _valid(SeatRespondSerializer, request)
        services.seat_respond(request.user, seat, accept=data["accept"], now=received_at(request))
        return self._read(seat.pk)

    @extend_schema(request=PledgeSerializer, responses=SeatSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        """Sign the confidentiality and fairness pledge; no application is shown before it."""
        seat = self.get_object()
        data = _valid(PledgeSerializer, request)
        services.pledge_sign(request.user, seat, agree=data["agree"], now=received_at(request))
        return self._read(seat.pk)

    @extend_schema(request=EvaluationReasonSerializer, responses=SeatSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Operators: release a member; their unsubmitted sheets are released too."""
        seat = self.get_object()
        services.seat_release(
            request.user, seat, reason=_valid(EvaluationReasonSerializer, request)["reason"]
        )
        return self._read(seat.pk)


# --- assignment ----------------------------------------------------------------------------------


def _assignments(queryset):
    return queryset.select_related("evaluator", "submission__application__lead").defer("submission__snapshot")


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Operators: who reviews what in each stage; swap a reviewer, reopen a submitted sheet."""

    model = Assignment
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    permission_classes = AUTH

    def get_queryset(self):
        return _assignments(Assignment.objects.run_by(self.request.user))

    @extend_schema(
        request=AssignmentSwapSerializer,
        responses={
            201: AssignmentSerializer,
            409: OpenApiResponse(description="The reviewer has a conflict or a full load"),
        },
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        """Replace the reviewer of an open sheet; the answer is the new assignment."""
        assignment = self.get_object()
        data = _valid(AssignmentSwapSerializer, request)
        replacement = services.assignment_swap(
            request.user, assignment, data["evaluator"], reason=data["reason"]
        )
        return Response(
            AssignmentSerializer(get_scoped(self.get_queryset(), replacement.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=EvaluationReasonSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Send a submitted sheet back to its reviewer (audited, with a reason)."""
        assignment = self.get_object()
        services.assignment_reopen(
            request.user, assignment, reason=_valid(EvaluationReasonSerializer, request)["reason"]
        )
        return Response(AssignmentSerializer(get_scoped(self.get_queryset(), assignment.pk)).data)


class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The record of every draw: seed, who ran it, when, and what came out."""

    model = AssignmentDraw
    serializer_class = DrawSerializer
    filterset_class = StagePartFilter
    permission_classes = AUTH

    def get_queryset(self):
        return AssignmentDraw.objects.run_by(self.request.user).select_related("performed_by")


# --- the reviewer's sheets -----------------------------------------------------------------------


def _sheet_queryset(user):
    return (
        Assignment.objects.reviewed_by(user)
        .select_related("stage__plan__call", "submission")
        .prefetch_related(
            Prefetch("stage__criteria", queryset=Criterion.objects.unrestricted().order_by("order", "pk")),
            Prefetch("scores", queryset=Score.objects.select_related("criterion")),
        )
    )


class ReviewerAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reviewers: the sheets assigned to them on seats they accepted and pledged. Opening one records
    the first look; anything else (another's sheet, a sheet before the pledge) is 404."""

    model = Assignment
    serializer_class = ReviewerAssignmentSerializer
    filterset_class = StagePartFilter
    permission_classes = AUTH

    def get_queryset(self):
        if self.action == "list":
            return selectors.reviewer_queue(self.request.user)
        return _sheet_queryset(self.request.user)

    def get_serializer_class(self):
        return ReviewerAssignmentSerializer if self.action == "list" else ReviewerSheetSerializer

    def _sheet(self, pk):
        return Response(ReviewerSheetSerializer(get_scoped(_sheet_queryset(self.request.user), pk)).data)

    def retrieve(self, request, pk=None):
        assignment = self.get_object()
        services.assignment_open(request.user, assignment, now=received_at(request))
        return self._sheet(assignment.pk)

    @extend_schema(request=ScoresSerializer, responses=ReviewerSheetSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """Save a draft; incomplete is fine until submit."""
        assignment = self.get_object()
        services.scores_save(request.user, assignment, **_valid(ScoresSerializer, request))
        return self._sheet(assignment.pk)

    @extend_schema(
        request=ScoresSerializer,
        responses={
            200: ReviewerSheetSerializer,
            400: OpenApiResponse(description="Each criterion's problem under its code in `errors`"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Save and submit the sheet; it is locked afterwards unless the operator reopens it."""
        assignment = self.get_object()
        services.scores_submit(
            request.user, assignment, now=received_at(request), **_valid(ScoresSerializer, request)
        )
        return self._sheet(assignment.pk)

    @extend_schema(request=EvaluationReasonSerializer, responses={200: DrawSerializer})
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """Declare a conflict of interest: the sheet is released and a replacement drawn (the
        answer is that draw; the sheet is no longer yours)."""
        assignment = self.get_object()
        draw = services.conflict_declare(
            request.user,
            assignment,
            reason=_valid(EvaluationReasonSerializer, request)["reason"],
            now=received_at(request),
        )
        draw = AssignmentDraw.objects.unrestricted().select_related("performed_by").get(pk=draw.pk)
        body = DrawSerializer(draw).data
        body["pairs"] = []  # who replaced you is not yours to know
        return Response(body)


# --- cost review and selection ------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=CostReviewRecordSerializer, responses={201: CostReviewSerializer})
)
class CostReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The appointed body's approved budget; cuts recompute the shares and the government share."""

    model = CostReview
    serializer_class = CostReviewSerializer
    filterset_class = CostReviewFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            CostReview.objects.run_by(self.request.user)
            .select_related("submission")
            .defer("submission__snapshot")
        )

    def create(self, request):
        data = dict(_valid(CostReviewRecordSerializer, request))
        review = services.cost_review_record(
            request.user, data.pop("stage"), data.pop("submission"), now=received_at(request), **data
        )
        return Response(
            CostReviewSerializer(get_scoped(self.get_queryset(), review.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _decisions(queryset):
    return queryset.select_related("submission__application__lead", "track").defer("submission__snapshot")


@extend_schema_view(
    create=extend_schema(
        request=DecideSerializer,
        responses={
            201: DecisionSerializer,
            409: OpenApiResponse(description="Over the call budget, the track is full, or below the cut-off"),
        },
        description="Select, waitlist or reject a ranked submission (deciding again changes it).",
    )
)
class DecisionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Operators: decisions on the calls they run."""

    model = Decision
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    permission_classes = AUTH

    def get_queryset(self):
        return _decisions(Decision.objects.run_by(self.request.user))

    def create(self, request):
        data = _valid(DecideSerializer, request)
        decision = services.decide(
            request.user,
            data["plan"],
            data["submission"],
            status=data["status"],
            reason=data["reason"],
            now=received_at(request),
        )
        return Response(
            DecisionSerializer(get_scoped(self.get_queryset(), decision.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    create=extend_schema(request=MatchingNoteSendSerializer, responses={201: MatchingNoteSerializer})
)
class MatchingNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Operators: matching-validation notes (another supplier or track, a budget adjustment) sent to
    the applicant with a deadline to respond."""

    model = MatchingNote
    serializer_class = MatchingNoteSerializer
    filterset_class = MatchingNoteFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            MatchingNote.objects.run_by(self.request.user)
            .select_related("decision__submission")
            .defer("decision__submission__snapshot")
        )

    def create(self, request):
        data = dict(_valid(MatchingNoteSendSerializer, request))
        note = services.matching_note_send(
            request.user, data.pop("decision"), now=received_at(request), **data
        )
        return Response(
            MatchingNoteSerializer(get_scoped(self.get_queryset(), note.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Operators: objections to published results, and their outcome."""

    model = Objection
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            Objection.objects.run_by(self.request.user)
            .select_related("decision__submission")
            .defer("decision__submission__snapshot")
        )

    @extend_schema(request=ObjectionDecideSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Upheld: the decision reopens and the sheets go back to the reviewers. Dismissed: the
        reasons are recorded and sent."""
        objection = self.get_object()
        data = _valid(ObjectionDecideSerializer, request)
        services.objection_decide(
            request.user, objection, upheld=data["upheld"], reason=data["reason"], now=received_at(request)
        )
        return Response(ObjectionSerializer(get_scoped(self.get_queryset(), objection.pk)).data)


@extend_schema_view(create=extend_schema(request=ReportRequestSerializer, responses={201: ReportSerializer}))
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """PDF reports (an application's evaluation summary, the committee report), written by the
    worker; download once done."""

    model = EvaluationReport
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    permission_classes = AUTH

    def get_queryset(self):
        return EvaluationReport.objects.visible_to(self.request.user)

    def create(self, request):
        data = dict(_valid(ReportRequestSerializer, request))
        report = services.report_request(request.user, data.pop("plan"), **data)
        return Response(
            ReportSerializer(get_scoped(self.get_queryset(), report.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Missing, or not written yet"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != ReportStatus.DONE:
            raise Http404
        name = f"{report.get_kind_display()}-{report.plan.call.reference}-{report.pk}.pdf"
        return file_response(report.file, name)


# --- applicants ----------------------------------------------------------------------------------


def _lead_companies(user):
    return principal_for(user).company_ids_with(Role.SME_MEMBER)


class ApplicantDecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applicants: their released decisions, and each one's result sheet (never a reviewer's name)."""

    model = Decision
    serializer_class = ApplicantDecisionSerializer
    permission_classes = AUTH

    def get_queryset(self):
        return (
            lead_decisions(self.request.user)
            .select_related("plan__call", "track", "submission")
            .defer("submission__snapshot")
            .order_by("-released_at", "-pk")
        )

    @extend_schema(responses=ApplicantResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        """Scores per criterion (means), totals, cut-off, rank and, when the call allows, the
        reviewers' comments numbered but unnamed."""
        decision = self.get_object()
        submission = Submission.objects.unrestricted().get(pk=decision.submission_id)
        rows = selectors.result_sheet(decision.plan, submission, for_applicant=True)
        return Response(ApplicantResultSerializer({"decision": decision, "stages": rows}).data)


class ApplicantMatchingNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applicants: notes from the operator to answer before their deadline."""

    model = MatchingNote
    serializer_class = MatchingNoteSerializer
    filterset_class = MatchingNoteFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            MatchingNote.objects.visible_to(self.request.user)
            .filter(decision__submission__application__lead_id__in=_lead_companies(self.request.user))
            .select_related("decision__submission")
            .defer("decision__submission__snapshot")
        )

    @extend_schema(request=MatchingNoteRespondSerializer, responses=MatchingNoteSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        note = self.get_object()
        data = _valid(MatchingNoteRespondSerializer, request)
        services.matching_note_respond(
            request.user, note, accepted=data["accepted"], response=data["response"], now=received_at(request)
        )
        return Response(MatchingNoteSerializer(get_scoped(self.get_queryset(), note.pk)).data)


@extend_schema_view(
    create=extend_schema(
        request=ObjectionLodgeSerializer,
        responses={
            201: ObjectionSerializer,
            409: OpenApiResponse(description="After the objection window, or one is still open"),
        },
    )
)
class ApplicantObjectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Applicants: objections to a released result, within the call's window."""

    model = Objection
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            Objection.objects.visible_to(self.request.user)
            .filter(decision__submission__application__lead_id__in=_lead_companies(self.request.user))
            .select_related("decision__submission")
            .defer("decision__submission__snapshot")
        )

    def create(self, request):
        data = _valid(ObjectionLodgeSerializer, request)
        objection = services.objection_lodge(
            request.user, data["decision"], body=data["body"], now=received_at(request)
        )
        return Response(
            ObjectionSerializer(get_scoped(self.get_queryset(), objection.pk)).data,
            status=status.HTTP_201_CREATED,
        )
