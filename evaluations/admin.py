"""Django admin for evaluations. The pool, the plan and its rubric can be corrected here (saves are
audited); everything that records what reviewers did and what the operator decided (sheets, scores,
draws, exclusions, results, cost reviews, decisions, notes, objections, reports) is read-only,
because those rows change only through `evaluations.services`, which check the rules and write the
audit trail. A stage's status and a rubric already used by a submitted sheet are read-only too.

Every list starts from the model's `visible_to` queryset, like the pages and the API: the admin is
for platform admins, and staff accounts without that role see only their own operator's rows."""

from django.contrib import admin

from organizations.access import principal_for
from organizations.admin import AuditedModelAdmin

from .models import (
    Assignment,
    AssignmentDraw,
    AssignmentStatus,
    CommitteeSeat,
    CostReview,
    Criterion,
    Decision,
    DeclaredInterest,
    EvaluationPlan,
    EvaluationReport,
    Evaluator,
    Exclusion,
    MatchingNote,
    Objection,
    Score,
    Stage,
    StageResult,
    TrackExpertise,
)


class ScopedAdmin(AuditedModelAdmin):
    """Rows the admin user may see, by the app's own visibility rules. `scope_through` names the
    relation to a scoped model for models without a scoped manager of their own."""

    scope_through = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if principal_for(request.user).is_platform_admin:
            return qs
        field, model = self.scope_through or ("pk", self.model)
        return qs.filter(**{f"{field}__in": model.objects.visible_to(request.user).values("pk")})


class ReadOnlyAdmin(ScopedAdmin):
    """Evidence of the evaluation: shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the pool ------------------------------------------------------------------------------------


class DeclaredInterestInline(admin.TabularInline):
    model = DeclaredInterest
    extra = 0
    raw_id_fields = ["company"]
    readonly_fields = ["declared_at"]


@admin.register(Evaluator)
class EvaluatorAdmin(ScopedAdmin):
    list_display = [
        "name",
        "affiliation_name",
        "affiliation_kind",
        "operator",
        "region",
        "is_active",
        "interests_valid_until",
    ]
    list_filter = ["is_active", "affiliation_kind", "operator", "region", "domains"]
    search_fields = ["name", "affiliation_name", "user__email"]
    raw_id_fields = ["user", "affiliation_company"]
    filter_horizontal = ["domains"]
    readonly_fields = ["interests_confirmed_at", "interests_reminded_on", "created_at"]
    list_select_related = ["operator", "region"]
    inlines = [DeclaredInterestInline]


@admin.register(DeclaredInterest)
class DeclaredInterestAdmin(ScopedAdmin):
    scope_through = ("evaluator", Evaluator)
    list_display = ["evaluator", "company", "kind", "declared_at", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["evaluator__name", "company__name", "company__business_number", "description"]
    raw_id_fields = ["evaluator", "company"]
    readonly_fields = ["declared_at"]
    list_select_related = ["evaluator", "company"]


# --- plan, stages, rubric ------------------------------------------------------------------------


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["kind", "order", "status", "cutoff", "reviewers_per_application", "aggregation"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(EvaluationPlan)
class EvaluationPlanAdmin(ScopedAdmin):
    list_display = ["call", "objection_days", "show_comments", "created_at"]
    list_filter = ["show_comments", "call__operator"]
    search_fields = ["call__reference", "call__title_ko"]
    raw_id_fields = ["call"]
    list_select_related = ["call"]
    inlines = [StageInline]


def _rubric_in_use(stage_id):
    return Assignment.objects.filter(stage_id=stage_id, status=AssignmentStatus.SUBMITTED).exists()


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None or not _rubric_in_use(obj.pk)

    def has_change_permission(self, request, obj=None):
        return obj is None or not _rubric_in_use(obj.pk)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not _rubric_in_use(obj.pk)


@admin.register(Stage)
class StageAdmin(ScopedAdmin):
    list_display = [
        "__str__",
        "kind",
        "order",
        "status",
        "cutoff",
        "reviewers_per_application",
        "aggregation",
        "scoring_deadline",
    ]
    list_filter = ["kind", "status", "aggregation"]
    search_fields = ["plan__call__reference", "plan__call__title_ko"]
    raw_id_fields = ["plan"]
    readonly_fields = ["status"]  # only the stage services move it, with an audit record
    list_select_related = ["plan__call"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ScopedAdmin):
    list_display = ["name_ko", "code", "stage", "max_points", "weight", "order"]
    list_filter = ["stage__kind"]
    search_fields = ["code", "name_ko", "name_en", "stage__plan__call__reference"]
    raw_id_fields = ["stage"]
    list_select_related = ["stage__plan__call"]

    def has_change_permission(self, request, obj=None):
        """A rubric that a submitted sheet was scored on stays as it was."""
        if obj is not None and _rubric_in_use(obj.stage_id):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _rubric_in_use(obj.stage_id):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TrackExpertise)
class TrackExpertiseAdmin(ScopedAdmin):
    list_display = ["track", "track__call"]
    search_fields = ["track__call__reference", "track__name_ko"]
    raw_id_fields = ["track"]
    filter_horizontal = ["domains"]
    list_select_related = ["track__call"]


# --- what the evaluation recorded: read-only -----------------------------------------------------


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(ReadOnlyAdmin):
    list_display = ["evaluator", "stage", "status", "is_chair", "responded_at", "pledge_signed_at"]
    list_filter = ["status", "is_chair", "stage__kind"]
    search_fields = ["evaluator__name", "stage__plan__call__reference"]
    list_select_related = ["evaluator", "stage__plan__call"]


@admin.register(AssignmentDraw)
class AssignmentDrawAdmin(ReadOnlyAdmin):
    list_display = ["stage", "seed", "performed_by", "performed_at"]
    list_filter = ["stage__kind"]
    search_fields = ["seed", "stage__plan__call__reference"]
    list_select_related = ["stage__plan__call", "performed_by"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["criterion", "points", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["submission", "evaluator", "stage", "status", "total", "assigned_at", "submitted_at"]
    list_filter = ["status", "stage__kind"]
    search_fields = ["submission__receipt_number", "evaluator__name", "stage__plan__call__reference"]
    list_select_related = ["submission", "evaluator", "stage__plan__call"]
    inlines = [ScoreInline]


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "evaluator", "reason", "detail", "stage", "recorded_at"]
    list_filter = ["reason", "stage__kind"]
    search_fields = ["submission__receipt_number", "evaluator__name", "detail"]
    list_select_related = ["submission", "evaluator", "stage__plan__call"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    scope_through = ("assignment", Assignment)
    list_display = ["assignment", "criterion", "points"]
    list_filter = ["assignment__stage__kind"]
    search_fields = ["assignment__submission__receipt_number", "assignment__evaluator__name"]
    list_select_related = ["assignment__submission", "assignment__evaluator", "criterion"]


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = ["submission", "stage", "track", "total", "passed", "rank", "reviewer_count", "trimmed"]
    list_filter = ["passed", "trimmed", "stage__kind"]
    search_fields = ["submission__receipt_number", "stage__plan__call__reference"]
    list_select_related = ["submission", "stage__plan__call", "track"]


@admin.register(CostReview)
class CostReviewAdmin(ReadOnlyAdmin):
    list_display = ["submission", "reviewer_body", "approved_total", "government_share", "reviewed_at"]
    search_fields = ["submission__receipt_number", "reviewer_body"]
    list_select_related = ["submission"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "submission",
        "track",
        "status",
        "rank",
        "waitlist_position",
        "government_share",
        "final",
        "released_at",
    ]
    list_filter = ["status", "final", "plan__call__operator"]
    search_fields = ["submission__receipt_number", "submission__application__lead__name"]
    list_select_related = ["submission", "track"]


@admin.register(MatchingNote)
class MatchingNoteAdmin(ReadOnlyAdmin):
    list_display = ["decision", "kind", "status", "respond_by", "sent_at", "responded_at"]
    list_filter = ["kind", "status"]
    search_fields = ["decision__submission__receipt_number", "body", "response"]
    list_select_related = ["decision__submission"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["decision", "status", "lodged_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["decision__submission__receipt_number", "body", "outcome_reason"]
    list_select_related = ["decision__submission"]


@admin.register(EvaluationReport)
class EvaluationReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "submission", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["plan__call__reference", "submission__receipt_number"]
    list_select_related = ["plan__call", "submission", "requested_by"]
