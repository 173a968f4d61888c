"""One FilterSet for the operators' and regional centres' list of submitted applications, shared by
the page and its CSV and Excel exports (and ready for the API).

The base queryset comes from the caller, already scoped (`Application.objects.operated_by(user)` or
`in_centre_regions(user)`); `with_list_facts` adds what the list, the filters and the exports read,
each as one subquery so a page costs the same number of queries whatever its length.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Region
from organizations.rules import compact_business_number
from programs.models import Call, Track

from .models import (
    Application,
    ApplicationStatus,
    ConsortiumMember,
    EligibilityRun,
    MemberRole,
    MemberStatus,
    Submission,
)

PENDING = "pending"  # no finished eligibility run yet
OUTCOME_LABELS = {
    "pass": pgettext_lazy("eligibility outcome", "적합"),
    "fail": pgettext_lazy("eligibility outcome", "부적합"),
    "needs_review": pgettext_lazy("eligibility outcome", "검토 필요"),
    PENDING: pgettext_lazy("eligibility outcome", "확인 대기"),
}
OUTCOME_BADGES = {"pass": "badge-primary", "fail": "badge-danger", "needs_review": "badge-gray"}
# Operators only ever see applications that were submitted at least once (querysets.operated_by).
LIST_STATUSES = [c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.DRAFT]
LIVE_MEMBER_STATES = (MemberStatus.INVITED, MemberStatus.ACCEPTED, MemberStatus.AWAITING_APPROVAL)


def outcome_label(value):
    return OUTCOME_LABELS.get(value or PENDING, value)


def with_list_facts(queryset):
    """Annotate the latest submission (id, receipt number) and the outcome of its latest finished
    eligibility run ("pending" while none has finished)."""
    latest = Submission.objects.unrestricted().filter(application=OuterRef("pk")).order_by("-version")
    latest_run = (
        EligibilityRun.objects.unrestricted()
        .filter(submission__application=OuterRef("pk"), status="done")
        .order_by("-submission__version", "-created_at", "-pk")
    )
    return queryset.annotate(
        latest_submission_id=Subquery(latest.values("pk")[:1]),
        receipt_number=Subquery(latest.values("receipt_number")[:1]),
        eligibility_outcome=Coalesce(Subquery(latest_run.values("outcome")[:1]), Value(PENDING)),
    )


def with_supplier(queryset, value):
    """Applications with a live supplier member whose name contains `value`, or whose business
    number contains its digits (hyphens or not)."""
    value = (value or "").strip()
    if not value:
        return queryset
    suppliers = ConsortiumMember.objects.unrestricted().filter(
        application=OuterRef("pk"), role=MemberRole.SUPPLIER, status__in=LIVE_MEMBER_STATES
    )
    match = Q(company__name__icontains=value)
    digits = compact_business_number(value)
    if digits.isdigit() and len(digits) >= 3:
        match |= Q(company__business_number__contains=digits)
    return queryset.filter(Exists(suppliers.filter(match)))


def _track_label(track):
    english = (translation.get_language() or "ko").lower().startswith("en")
    name = (track.name_en if english and track.name_en else track.name_ko) or track.get_level_display()
    return f"[{track.call.reference}] {name}"


class ApplicationFilter(django_filters.FilterSet):
    """`calls` limits the call and track choices to the ones the user handles."""

    call = django_filters.ModelChoiceFilter(label=_("공고"), queryset=Call.objects.none())
    track = django_filters.ModelChoiceFilter(label=_("지원 유형"), queryset=Track.objects.none())
    status = django_filters.ChoiceFilter(label=_("신청 상태"), choices=LIST_STATUSES)
    region = django_filters.ModelChoiceFilter(
        label=_("지역"), field_name="lead__region", queryset=Region.objects.all()
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("자격 확인 결과"),
        choices=list(OUTCOME_LABELS.items()),
        field_name="eligibility_outcome",
    )
    supplier = django_filters.CharFilter(
        label=_("공급기업"),
        method="filter_supplier",
        help_text=_("공급기업 이름 또는 사업자등록번호"),
    )
    q = django_filters.CharFilter(
        label=_("검색어"), method="filter_q", help_text=_("접수번호, 도입기업명, 사업자등록번호, 과제명")
    )
    sort = django_filters.OrderingFilter(
        label=_("정렬"),
        fields=(
            ("submitted_at", "submitted_at"),
            ("lead__name", "lead"),
            ("total_cost", "total_cost"),
            ("receipt_number", "receipt"),
        ),
        field_labels={
            "submitted_at": _("제출일시(오래된 순)"),
            "-submitted_at": _("제출일시(최근 순)"),
            "lead__name": _("도입기업명(가나다순)"),
            "-lead": _("도입기업명(역순)"),
            "total_cost": _("총 사업비(적은 순)"),
            "-total_cost": _("총 사업비(많은 순)"),
            "receipt_number": _("접수번호(오름차순)"),
            "-receipt": _("접수번호(내림차순)"),
        },
    )

    class Meta:
        model = Application
        fields = ["call", "track", "status", "region", "eligibility", "supplier", "q", "sort"]

    def __init__(self, data=None, queryset=None, *, calls=None, **kwargs):
        # The outcome filter and the list read the annotations, bound or not.
        queryset = with_list_facts(queryset if queryset is not None else Application.objects.none())
        super().__init__(data, queryset, **kwargs)
        calls = calls if calls is not None else Call.objects.none()
        self.filters["call"].queryset = calls.order_by("-opens_at", "-pk")
        self.form.fields["call"].queryset = self.filters["call"].queryset
        tracks = Track.objects.filter(call__in=calls).select_related("call").order_by("-call__opens_at", "pk")
        self.filters["track"].queryset = tracks
        self.form.fields["track"].queryset = tracks
        self.form.fields["track"].label_from_instance = _track_label

    @property
    def qs(self):
        qs = super().qs
        if not self.form.is_bound or not self.form.cleaned_data.get("sort"):
            qs = qs.order_by("-submitted_at", "-pk")
        return qs

    def filter_supplier(self, queryset, name, value):
        return with_supplier(queryset, value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(lead__name__icontains=value) | Q(title__icontains=value)
        match |= Q(
            Exists(
                Submission.objects.unrestricted().filter(
                    application=OuterRef("pk"), receipt_number__icontains=value
                )
            )
        )
        digits = compact_business_number(value)
        if digits.isdigit() and len(digits) >= 3:
            match |= Q(lead__business_number__contains=digits)
        return queryset.filter(match)
