"""Forms of the operator's evaluation pages. Validation at the edge, GOV.UK style, Korean first:
forms turn what people type into values and never save; views pass `cleaned_data` to
`evaluations.services`, whose DomainErrors come back as the error summary."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import BudgetCategory
from organizations.forms import BusinessNumberField, CountField, LocalizedModelChoiceField, WonField, required
from organizations.models import Company, Region
from organizations.templatetags.sfms_format import lname
from programs.forms_operator import TextDateField, TextTimeField
from suppliers.models import TechDomain

from .models import (
    AffiliationKind,
    Aggregation,
    DecisionStatus,
    InterestKind,
    MatchingNoteKind,
    ReportKind,
    StageKind,
)

KST = ZoneInfo("Asia/Seoul")
TIE_BREAK_SLOTS = 3


class DomainChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", TechDomain.objects.filter(is_active=True).order_by("order", "code"))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return lname(obj)


def _at(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time), KST)


def _split(value):
    if value is None:
        return None, None
    local = timezone.localtime(value, KST)
    return local.date(), local.time()


# --- pool ----------------------------------------------------------------------------------------

YES_NO = [("", _("전체")), ("yes", _("활동")), ("no", _("활동 중지"))]
DECLARATIONS = [("", _("전체")), ("current", _("유효")), ("lapsed", _("기한 경과·미확인"))]


class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("이름·소속 검색"), required=False, max_length=60)
    domain = forms.ModelChoiceField(
        label=_("전문 분야"), queryset=TechDomain.objects.order_by("order", "code"), required=False
    )
    region = LocalizedModelChoiceField(label=_("활동 지역"), queryset=Region.objects.all(), required=False)
    affiliation_kind = forms.ChoiceField(
        label=_("소속 유형"), choices=[("", _("전체")), *AffiliationKind.choices], required=False
    )
    active = forms.ChoiceField(label=_("활동 여부"), choices=YES_NO, required=False)
    declarations = forms.ChoiceField(label=_("이해관계 신고"), choices=DECLARATIONS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("domain", "region"):
            self.fields[name].empty_label = _("전체")
        self.fields["domain"].label_from_instance = lname

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(affiliation_name__icontains=data["q"]))
        if data["domain"]:
            qs = qs.filter(domains=data["domain"])
        if data["region"]:
            qs = qs.filter(region=data["region"])
        if data["affiliation_kind"]:
            qs = qs.filter(affiliation_kind=data["affiliation_kind"])
        if data["active"]:
            qs = qs.filter(is_active=data["active"] == "yes")
        today = timezone.localdate()
        if data["declarations"] == "current":
            qs = qs.filter(interests_valid_until__gte=today)
        elif data["declarations"] == "lapsed":
            qs = qs.filter(Q(interests_valid_until__lt=today) | Q(interests_valid_until=None))
        return qs


class AffiliationMixin:
    """Affiliation: kind, name, and for a company or supplier the registered company, chosen by
    business number or from the list of suppliers."""

    def _setup_affiliation(self):
        self.fields["company"].queryset = Company.objects.filter(kind=Company.Kind.SUPPLIER).order_by("name")
        self.fields["company"].label_from_instance = _company_label

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("affiliation_kind")
        number, chosen = cleaned.get("business_number"), cleaned.get("company")
        company = chosen
        if number:
            company = Company.objects.filter(business_number=number).first()
            if company is None:
                self.add_error(
                    "business_number",
                    _(
                        "이 사업자등록번호로 등록된 기업이 없습니다. 번호를 확인하거나 목록에서 골라 주십시오."
                    ),
                )
        if kind in (AffiliationKind.COMPANY, AffiliationKind.SUPPLIER) and company is None and not number:
            self.add_error(
                "business_number",
                _("기업·공급기업 소속이면 사업자등록번호를 입력하거나 목록에서 기업을 골라 주십시오."),
            )
        cleaned["affiliation_company"] = company
        if company is not None and not cleaned.get("affiliation_name"):
            cleaned["affiliation_name"] = company.name
        if not cleaned.get("affiliation_name") and "affiliation_name" not in self.errors:
            self.add_error("affiliation_name", _("소속 기관명을 입력해 주십시오."))
        return cleaned


def _company_label(company):
    number = company.business_number
    return f"{company.name} ({number[:3]}-{number[3:5]}-{number[5:]})"


class EvaluatorForm(AffiliationMixin, forms.Form):
    email = forms.EmailField(
        label=_("이메일"),
        help_text=_("평가위원이 로그인할 때 쓰는 주소입니다."),
        error_messages={
            **required(_("이메일을 입력해 주십시오.")),
            "invalid": _("이메일 주소를 name@example.kr 형식으로 입력해 주십시오."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("성명"), max_length=60, error_messages=required(_("성명을 입력해 주십시오."))
    )
    affiliation_kind = forms.ChoiceField(
        label=_("소속 유형"),
        choices=AffiliationKind.choices,
        widget=forms.RadioSelect,
        error_messages=required(_("소속 유형을 선택해 주십시오.")),
    )
    affiliation_name = forms.CharField(
        label=_("소속 기관명"),
        max_length=120,
        required=False,
        help_text=_("기업을 고르면 비워 두어도 기업명이 들어갑니다."),
    )
    business_number = BusinessNumberField(
        label=_("소속 기업 사업자등록번호"),
        required=False,
        help_text=_("기업·공급기업 소속이면 입력합니다. 숫자 10자리, 예: 123-45-67890"),
    )
    company = forms.ModelChoiceField(
        label=_("또는 공급기업 목록에서 선택"),
        queryset=Company.objects.none(),
        required=False,
        empty_label=_("선택 안 함"),
    )
    region = LocalizedModelChoiceField(
        label=_("활동 지역"),
        queryset=Region.objects.all(),
        empty_label=_("선택해 주십시오"),
        error_messages=required(_("활동 지역을 선택해 주십시오.")),
    )
    domains = DomainChoiceField(label=_("전문 분야"))
    operator = forms.ModelChoiceField(
        label=_("운영기관"),
        queryset=None,
        empty_label=None,
        error_messages=required(_("운영기관을 선택해 주십시오.")),
    )
    is_active = forms.BooleanField(label=_("평가위원으로 활동합니다"), required=False)
    reason = forms.CharField(
        label=_("수정 사유"),
        required=False,
        max_length=500,
        help_text=_("감사 기록에 함께 남습니다."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, operators=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_affiliation()
        if editing:
            del self.fields["email"]
            del self.fields["operator"]
        else:
            del self.fields["is_active"]
            del self.fields["reason"]
            self.fields["operator"].queryset = operators
            self.fields["operator"].label_from_instance = lname
            if operators is not None and operators.count() == 1:
                self.fields["operator"].widget = forms.HiddenInput()
                self.fields["operator"].initial = operators.first()

    @classmethod
    def initial_for(cls, evaluator):
        return {
            "name": evaluator.name,
            "affiliation_kind": evaluator.affiliation_kind,
            "affiliation_name": evaluator.affiliation_name,
            "business_number": evaluator.affiliation_company.business_number
            if evaluator.affiliation_company_id
            else "",
            "region": evaluator.region_id,
            "domains": [d.pk for d in evaluator.domains.all()],
            "is_active": evaluator.is_active,
        }


class InterestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("관계 유형"),
        choices=[("", _("선택해 주십시오")), *InterestKind.choices],
        error_messages=required(_("관계 유형을 선택해 주십시오.")),
    )
    business_number = BusinessNumberField(
        label=_("관련 기업 사업자등록번호"),
        error_messages=required(_("관련 기업의 사업자등록번호를 입력해 주십시오.")),
    )
    description = forms.CharField(label=_("내용"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("business_number")
        if number:
            cleaned["company"] = Company.objects.filter(business_number=number).first()
            if cleaned["company"] is None:
                self.add_error("business_number", _("이 사업자등록번호로 등록된 기업이 없습니다."))
        return cleaned


class InterestEndForm(forms.Form):
    ended_on = TextDateField(
        label=_("관계 종료일"),
        help_text=_("예: 2026. 3. 15."),
        error_messages=required(_("관계 종료일을 입력해 주십시오.")),
    )
    reason = forms.CharField(label=_("종료 사유"), max_length=300, required=False)


# --- plan and stages -----------------------------------------------------------------------------

DEFAULT_STAGES = [StageKind.REQUIREMENT_REVIEW, StageKind.TECHNICAL, StageKind.DELIBERATION]


class PlanCreateForm(forms.Form):
    stages = forms.MultipleChoiceField(
        label=_("평가 단계"),
        choices=StageKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("서면 평가는 생략할 수 있습니다. 단계는 이 순서대로 진행합니다."),
        error_messages=required(_("평가 단계를 하나 이상 선택해 주십시오.")),
    )
    objection_days = CountField(
        label=_("이의신청 기간(일)"),
        min_value=1,
        max_value=60,
        initial=7,
        error_messages=required(_("이의신청 기간을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    show_comments = forms.BooleanField(
        label=_("신청기업에 평가 의견을 공개합니다(평가위원 이름은 공개하지 않습니다)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        if existing:
            self.fields["stages"].choices = [c for c in StageKind.choices if c[0] not in existing]
            self.fields["stages"].label = _("추가할 평가 단계")
            del self.fields["objection_days"]
            del self.fields["show_comments"]
        else:
            self.fields["stages"].initial = DEFAULT_STAGES


class PlanSettingsForm(forms.Form):
    objection_days = PlanCreateForm.base_fields["objection_days"]
    show_comments = PlanCreateForm.base_fields["show_comments"]


class StageForm(forms.Form):
    cutoff = forms.DecimalField(
        label=_("과락 점수(100점 만점)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages=required(_("과락 점수를 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-5ch"}),
    )
    reviewers_per_application = CountField(
        label=_("신청서당 평가위원 수"),
        min_value=1,
        max_value=15,
        error_messages=required(_("신청서당 평가위원 수를 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    load_cap = CountField(
        label=_("위원당 최대 배정 수"),
        min_value=1,
        error_messages=required(_("위원당 최대 배정 수를 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    aggregation = forms.ChoiceField(
        label=_("점수 집계 방식"), choices=Aggregation.choices, widget=forms.RadioSelect
    )
    comment_below = forms.DecimalField(
        label=_("의견 필수 기준(배점 대비 %)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("이 비율보다 낮은 점수를 준 항목에는 의견을 적어야 합니다."),
        error_messages=required(_("의견 필수 기준을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-5ch"}),
    )
    deadline_date = TextDateField(label=_("평가 마감일"), required=False, help_text=_("예: 2026. 3. 15."))
    deadline_time = TextTimeField(label=_("평가 마감 시각"), required=False, help_text=_("예: 18:00"))

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("선택 안 함")), *codes]
        for slot in range(1, TIE_BREAK_SLOTS + 1):
            self.fields[f"tie_break_{slot}"] = forms.ChoiceField(
                label=_("동점 처리 %(n)s순위 평가 항목") % {"n": slot}, choices=choices, required=False
            )

    @classmethod
    def initial_for(cls, stage):
        day, time = _split(stage.scoring_deadline)
        initial = {
            "cutoff": stage.cutoff,
            "reviewers_per_application": stage.reviewers_per_application,
            "load_cap": stage.load_cap,
            "aggregation": stage.aggregation,
            "comment_below": stage.comment_below,
            "deadline_date": day,
            "deadline_time": time,
        }
        for slot, code in enumerate(stage.tie_break or [], start=1):
            initial[f"tie_break_{slot}"] = code
        return initial

    def tie_break_fields(self):
        return [self[f"tie_break_{slot}"] for slot in range(1, TIE_BREAK_SLOTS + 1)]

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("deadline_date"), cleaned.get("deadline_time")
        if day and not time:
            time = datetime.time(18, 0)
        if time and not day and "deadline_date" not in self.errors:
            self.add_error("deadline_date", _("마감 시각을 적었으면 마감일도 입력해 주십시오."))
        cleaned["scoring_deadline"] = _at(day, time) if day and time else None
        order = []
        for slot in range(1, TIE_BREAK_SLOTS + 1):
            code = cleaned.get(f"tie_break_{slot}")
            if not code:
                continue
            if code in order:
                self.add_error(f"tie_break_{slot}", _("같은 평가 항목을 두 번 고를 수 없습니다."))
            order.append(code)
        cleaned["tie_break"] = order
        return cleaned

    def changes(self):
        data = self.cleaned_data
        names = ("cutoff", "reviewers_per_application", "load_cap", "aggregation", "comment_below")
        return {
            **{n: data[n] for n in names},
            "tie_break": data["tie_break"],
            "scoring_deadline": data["scoring_deadline"],
        }


class CriterionForm(forms.Form):
    code = forms.SlugField(
        label=_("코드"),
        max_length=30,
        help_text=_("영문 소문자·숫자, 예: necessity"),
        error_messages={
            **required(_("코드를 입력해 주십시오.")),
            "invalid": _("코드는 영문, 숫자, 밑줄(_), 하이픈(-)만 쓸 수 있습니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-20ch", "spellcheck": "false"}),
    )
    name_ko = forms.CharField(
        label=_("평가 항목(한국어)"),
        max_length=80,
        error_messages=required(_("평가 항목 이름을 입력해 주십시오.")),
    )
    name_en = forms.CharField(label=_("평가 항목(영어)"), max_length=120, required=False)
    max_points = CountField(
        label=_("배점"),
        min_value=1,
        max_value=100,
        error_messages=required(_("배점을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    weight = CountField(
        label=_("가중치"),
        min_value=1,
        max_value=100,
        help_text=_("모든 항목의 가중치 합계가 100이어야 합니다."),
        error_messages=required(_("가중치를 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    order = CountField(
        label=_("순서"), min_value=0, required=False, widget=forms.TextInput(attrs={"class": "w-5ch"})
    )

    def changes(self):
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order", None)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required(_("사유를 적어 주십시오.")),
    )


class ExpertiseForm(forms.Form):
    track = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    domains = DomainChoiceField(label=_("필요 전문 분야"))

    def __init__(self, *args, tracks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks


# --- committee and assignment --------------------------------------------------------------------


class InviteForm(forms.Form):
    evaluators = forms.ModelMultipleChoiceField(
        label=_("위촉할 평가위원"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages=required(_("위촉할 평가위원을 한 명 이상 선택해 주십시오.")),
    )
    chair = forms.ModelChoiceField(
        label=_("위원장"),
        queryset=None,
        required=False,
        empty_label=_("지정하지 않음"),
        help_text=_("선택한 위원 가운데 한 명을 위원장으로 정할 수 있습니다."),
    )

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = pool
        self.fields["chair"].queryset = pool
        self.fields["evaluators"].label_from_instance = _evaluator_label

    def clean(self):
        cleaned = super().clean()
        chair = cleaned.get("chair")
        if chair is not None and chair not in (cleaned.get("evaluators") or []):
            self.add_error("chair", _("위원장은 위촉할 위원 가운데에서 골라 주십시오."))
        return cleaned


def _evaluator_label(e):
    domains = ", ".join(lname(d) for d in e.domains.all())
    return f"{e.name} · {e.affiliation_name}" + (f" · {domains}" if domains else "")


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("난수 시드"),
        max_length=64,
        required=False,
        help_text=_("비워 두면 새로 만듭니다. 같은 시드와 같은 입력이면 같은 배정이 나옵니다."),
        widget=forms.TextInput(attrs={"class": "w-20ch", "spellcheck": "false", "autocomplete": "off"}),
    )


BATCH_ACTIONS = [
    ("assign", _("부족한 평가위원 배정")),
    ("reassign", _("평가위원 다시 배정(사유 필요)")),
    ("remind", _("미제출 평가위원에게 독촉")),
    ("release", _("평가 결과 통보")),
]


class BatchForm(forms.Form):
    action = forms.ChoiceField(
        label=_("선택한 신청서에"),
        choices=BATCH_ACTIONS,
        widget=forms.RadioSelect,
        error_messages=required(_("할 일을 선택해 주십시오.")),
    )
    submissions = forms.MultipleChoiceField(
        label=_("신청서"), choices=(), error_messages=required(_("신청서를 하나 이상 선택해 주십시오."))
    )
    reason = forms.CharField(
        label=_("사유"), max_length=200, required=False, help_text=_("다시 배정할 때 적습니다.")
    )

    def __init__(self, *args, submission_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submissions"].choices = [(str(i), str(i)) for i in submission_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reassign" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("다시 배정하는 사유를 적어 주십시오."))
        cleaned["submission_ids"] = [int(i) for i in cleaned.get("submissions") or []]
        return cleaned


class SwapForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=_("바꿀 평가위원"),
        queryset=None,
        empty_label=_("선택해 주십시오"),
        error_messages=required(_("바꿀 평가위원을 선택해 주십시오.")),
    )
    reason = forms.CharField(
        label=_("교체 사유"), max_length=200, error_messages=required(_("교체 사유를 적어 주십시오."))
    )

    def __init__(self, *args, seated=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = seated
        self.fields["evaluator"].label_from_instance = lambda e: f"{e.name} ({e.affiliation_name})"


# --- results and selection -----------------------------------------------------------------------


class DecideForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=DecisionStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("사유"), max_length=2000, required=False)


class CostReviewForm(forms.Form):
    reviewer_body = forms.CharField(
        label=_("원가 검토 기관"),
        max_length=120,
        error_messages=required(_("원가 검토 기관을 입력해 주십시오.")),
    )
    reason = forms.CharField(
        label=_("조정 사유"),
        required=False,
        max_length=2000,
        help_text=_("신청 금액에서 줄였으면 꼭 적어 주십시오."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_names = []
        labels = dict(BudgetCategory.choices)
        for key, asked in (lines or {}).items():
            name = f"line_{key}"
            self.fields[name] = WonField(
                label=_("%(line)s 인정 금액") % {"line": labels.get(key, key)},
                min_value=0,
                help_text=_("신청 %(asked)s원") % {"asked": f"{int(asked or 0):,}"},
                initial=int(asked or 0),
                error_messages=required(_("인정 금액을 입력해 주십시오.")),
            )
            self.line_names.append((key, name))
        # Lines first, then the body and the reason.
        self.order_fields([n for _k, n in self.line_names] + ["reviewer_body", "reason"])

    def approved_lines(self):
        return {key: self.cleaned_data[name] for key, name in self.line_names}


class MatchingNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("유형"),
        choices=[("", _("선택해 주십시오")), *MatchingNoteKind.choices],
        error_messages=required(_("의견 유형을 선택해 주십시오.")),
    )
    body = forms.CharField(
        label=_("내용"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=required(_("의견 내용을 적어 주십시오.")),
    )
    respond_date = TextDateField(
        label=_("답변 기한(날짜)"),
        help_text=_("예: 2026. 3. 15."),
        error_messages=required(_("답변 기한을 입력해 주십시오.")),
    )
    respond_time = TextTimeField(label=_("답변 기한(시각)"), required=False, help_text=_("비워 두면 18:00"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("respond_date"):
            cleaned["respond_by"] = _at(
                cleaned["respond_date"], cleaned.get("respond_time") or datetime.time(18)
            )
        return cleaned


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("처리 결과"),
        choices=[("upheld", _("인용(재평가)")), ("dismissed", _("기각"))],
        widget=forms.RadioSelect,
        error_messages=required(_("처리 결과를 선택해 주십시오.")),
    )
    reason = forms.CharField(
        label=_("처리 사유"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("신청기업에 그대로 전달됩니다."),
        error_messages=required(_("처리 사유를 적어 주십시오.")),
    )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices, widget=forms.HiddenInput)
    submission = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReportKind.APPLICATION_SUMMARY and not cleaned.get("submission"):
            raise ValidationError(_("평가 요약을 만들 신청서를 골라 주십시오."))
        return cleaned
