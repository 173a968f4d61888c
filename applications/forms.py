"""Forms for the applicant's pages: validation at the edge (GOV.UK style, Korean first), never saving.

Section forms accept an incomplete draft: every field is optional here because a draft may be saved
half-written (autosave, "저장하고 나중에 계속"); what a complete application needs is decided once,
in applications.rules, and shown on the task list and the check page. Views pass `cleaned_data` to
applications.services, whose DomainErrors come back as field errors.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import BusinessNumberField, CountField, LocalizedModelChoiceField, WonField, required
from organizations.models import Region, SmartFactoryLevel
from organizations.uploads import CheckedFileField

from .models import BUDGET_FIELDS, MAX_PROJECT_COST, BudgetCategory, MemberRole
from .rules import DECLARATIONS, PRIOR_SUPPORTS, SUPPORT_LEVELS, declaration_label
from .services import PLAN_FIELDS


def _text(label, hint="", rows=5, max_length=4000):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SectionForm(forms.Form):
    """A section page's fields. `changes(application)` = only what differs from the draft, so an
    unchanged save neither writes an audit row nor reopens a completed section."""

    def changes(self, application):
        data = self.cleaned_data
        return {
            name: data[name]
            for name in self.fields
            if name in data and name in self.model_fields and data[name] != getattr(application, name)
        }

    def valid_changes(self, application, posted):
        """For autosave: the fields that were posted and are valid, even when others are not."""
        self.is_valid()
        data = self.cleaned_data
        return {
            name: data[name]
            for name in self.model_fields
            if name in posted and name in data and data[name] != getattr(application, name)
        }


class PlanForm(SectionForm):
    model_fields = PLAN_FIELDS

    title = forms.CharField(
        label=_("과제명"),
        required=False,
        max_length=200,
        help_text=_("무엇을 하는 사업인지 한 줄로 적어 주십시오. 예: MES 기반 용접 공정 품질 데이터 수집"),
    )
    summary = _text(_("과제 요약"), _("도입할 시스템과 해결할 문제를 3~5문장으로 적어 주십시오."))
    existing_systems = _text(
        _("보유 시스템"), _("지금 쓰는 MES, ERP, 설비 제어(PLC) 등을 적어 주십시오."), rows=3
    )
    integration_plan = _text(
        _("기존 시스템 연계 방안"), _("새 시스템이 기존 MES·ERP와 어떻게 데이터를 주고받는지 적어 주십시오.")
    )
    data_plan = _text(
        _("데이터 활용 계획"), _("어떤 데이터를 얼마나 자주 모아 무엇에 쓰는지 구체적으로 적어 주십시오.")
    )
    expected_return = _text(_("기대 효과"), _("생산성, 품질, 원가, 납기에서 기대하는 변화를 적어 주십시오."))
    duration_months = CountField(
        label=_("사업 기간(개월)"),
        required=False,
        min_value=1,
        max_value=36,
        help_text=_("1~36개월"),
        error_messages={
            "min_value": _("사업 기간은 1개월 이상이어야 합니다."),
            "max_value": _("사업 기간은 36개월 이하여야 합니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )


def _won(label, hint=""):
    return WonField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_PROJECT_COST,
        help_text=hint,
        error_messages={"max_value": _("금액은 1조 원 미만이어야 합니다.")},
        widget=forms.TextInput(attrs={"class": "w-20ch"}),
    )


class BudgetForm(SectionForm):
    model_fields = ("total_cost", *BUDGET_FIELDS.values())

    total_cost = WonField(
        label=_("총 사업비(원)"),
        required=False,
        min_value=1,
        max_value=MAX_PROJECT_COST,
        help_text=_("원 단위로 입력해 주십시오. 예: 100,000,000"),
        error_messages={
            "min_value": _("총 사업비는 1원 이상이어야 합니다."),
            "max_value": _("금액은 1조 원 미만이어야 합니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-20ch"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in BudgetCategory:
            self.fields[BUDGET_FIELDS[category.value]] = _won(
                _("%(line)s(원)") % {"line": category.label}, _("없으면 0")
            )

    def changes(self, application):
        found = super().changes(application)
        # An emptied line is 0 won (the model keeps lines as whole numbers, never "unknown").
        return {k: (0 if v is None and k != "total_cost" else v) for k, v in found.items()}

    def valid_changes(self, application, posted):
        found = super().valid_changes(application, posted)
        return {k: (0 if v is None and k != "total_cost" else v) for k, v in found.items()}


class DeclarationsForm(SectionForm):
    """The four declarations, and whether the firm had government smart-factory support in the last
    three years (the duplicate-support rule runs on this answer)."""

    model_fields = ("declarations",)

    prior_support = forms.ChoiceField(
        label=_("최근 3년 안에 정부 스마트공장 구축 지원을 받은 적이 있습니까?"),
        choices=[("none", _("아니요, 받은 적이 없습니다")), ("received", _("네, 받았습니다"))],
        widget=forms.RadioSelect,
        required=False,
    )
    prior_year = forms.IntegerField(
        label=_("지원받은 연도"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("‘네’를 고른 경우에 입력합니다. 가장 최근에 받은 지원의 연도, 예: 2025"),
    )
    prior_level = forms.ChoiceField(
        label=_("지원받은 수준"),
        required=False,
        choices=[("", _("선택해 주십시오"))]
        + [(level, label) for level, label in SmartFactoryLevel.choices if level in SUPPORT_LEVELS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in DECLARATIONS:
            self.fields[key] = forms.BooleanField(label=declaration_label(key), required=False)

    def declaration_fields(self):
        return [self[key] for key in DECLARATIONS]

    @classmethod
    def initial_for(cls, application):
        declared = application.declarations or {}
        initial = {key: declared.get(key) is True for key in DECLARATIONS}
        supports = declared.get(PRIOR_SUPPORTS)
        if supports == []:
            initial["prior_support"] = "none"
        elif supports:
            initial.update(
                prior_support="received", prior_year=supports[0]["year"], prior_level=supports[0]["level"]
            )
        return initial

    def clean(self):
        data = super().clean()
        if data.get("prior_support") == "received":
            if not data.get("prior_year") and "prior_year" not in self.errors:
                self.add_error("prior_year", _("지원받은 연도를 입력해 주십시오."))
            if not data.get("prior_level"):
                self.add_error("prior_level", _("지원받은 수준을 선택해 주십시오."))
        return data

    def declarations(self, application=None):
        data = self.cleaned_data
        value = {key: bool(data.get(key)) for key in DECLARATIONS}
        choice = data.get("prior_support")
        if choice == "none":
            value[PRIOR_SUPPORTS] = []
        elif choice == "received" and data.get("prior_year") and data.get("prior_level"):
            value[PRIOR_SUPPORTS] = [
                {"year": data["prior_year"], "level": data["prior_level"], "programme": ""}
            ]
        elif application is not None and PRIOR_SUPPORTS in (application.declarations or {}):
            value[PRIOR_SUPPORTS] = application.declarations[
                PRIOR_SUPPORTS
            ]  # half-typed: keep the last answer
        return value

    def changes(self, application):
        value = self.declarations(application)
        return {} if value == (application.declarations or {}) else {"declarations": value}

    def valid_changes(self, application, posted):
        self.is_valid()
        return self.changes(application)


class CompleteForm(forms.Form):
    """ "이 항목을 완료했습니까?" (GOV.UK: have you completed this section?)"""

    completed = forms.TypedChoiceField(
        label=_("이 항목을 완료했습니까?"),
        choices=[("yes", _("네, 완료했습니다")), ("no", _("아니요, 나중에 계속하겠습니다"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages=required(_("이 항목을 완료했는지 선택해 주십시오.")),
    )


class KpiValuesForm(forms.Form):
    """One KPI's unit, baseline and target (custom ones also carry a name)."""

    name = forms.CharField(label=_("지표명"), required=False, max_length=80)
    unit = forms.CharField(
        label=_("단위"),
        max_length=20,
        error_messages=required(_("단위를 입력해 주십시오. 예: %, 일, 개")),
        widget=forms.TextInput(attrs={"class": "w-8ch"}),
    )
    baseline = forms.DecimalField(
        label=_("현재 값"),
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("현재 값은 숫자로 입력해 주십시오. 예: 4.5")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-10ch"}),
    )
    target = forms.DecimalField(
        label=_("목표 값"),
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("목표 값은 숫자로 입력해 주십시오. 예: 2.0")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-10ch"}),
    )

    def __init__(self, *args, custom=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom = custom
        if custom:
            self.fields["name"].required = True
            self.fields["name"].error_messages = required(_("지표명을 입력해 주십시오."))
        else:
            del self.fields["name"]

    def values(self):
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}


class InviteForm(forms.Form):
    business_number = BusinessNumberField(
        label=_("공급기업 사업자등록번호"),
        help_text=_("공급기업 찾기에서 고른 기업의 사업자등록번호, 숫자 10자리. 예: 123-45-67890"),
    )
    role = forms.ChoiceField(
        label=_("역할"),
        choices=MemberRole.choices,
        initial=MemberRole.SUPPLIER,
        widget=forms.RadioSelect,
        error_messages=required(_("역할을 선택해 주십시오.")),
    )
    contract_amount = WonField(
        label=_("공급 계약 금액(원)"),
        required=False,
        min_value=0,
        max_value=MAX_PROJECT_COST,
        help_text=_("견적을 받았다면 입력해 주십시오."),
        widget=forms.TextInput(attrs={"class": "w-20ch"}),
    )

    def __init__(self, *args, win_win=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not win_win:  # only a win-win call takes a large firm: the role is then fixed
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["role"].choices = [(MemberRole.SUPPLIER, MemberRole.SUPPLIER.label)]
        else:
            self.fields["business_number"].label = _("참여기업 사업자등록번호")


class NominateForm(forms.Form):
    business_number = BusinessNumberField(label=_("사업자등록번호"))
    name = forms.CharField(
        label=_("기업명"), max_length=120, error_messages=required(_("기업명을 입력해 주십시오."))
    )
    region = LocalizedModelChoiceField(
        label=_("소재 지역"),
        queryset=Region.objects.all(),
        empty_label=_("선택해 주십시오"),
        error_messages={
            "required": _("소재 지역을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 지역을 선택해 주십시오."),
        },
    )
    contact_name = forms.CharField(
        label=_("담당자 이름"), max_length=60, error_messages=required(_("담당자 이름을 입력해 주십시오."))
    )
    contact_email = forms.EmailField(
        label=_("담당자 이메일"),
        error_messages={
            "required": _("담당자 이메일을 입력해 주십시오."),
            "invalid": _("이메일 주소를 name@example.kr 형식으로 입력해 주십시오."),
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=_("담당자 전화"),
        required=False,
        max_length=20,
        help_text=_("예: 055-123-4567"),
        widget=forms.TextInput(attrs={"type": "tel", "class": "w-20ch"}),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("서류 종류"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("서류 종류를 선택해 주십시오."),
            "invalid_choice": _("서류 종류를 선택해 주십시오."),
        },
    )
    file = CheckedFileField(label=_("파일"))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class SubmitForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("철회 사유"),
        max_length=2000,
        help_text=_("운영기관과 컨소시엄 참여기업이 봅니다."),
        error_messages=required(_("철회 사유를 입력해 주십시오.")),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RespondForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("참여하시겠습니까?"),
        choices=[("yes", _("네, 참여하겠습니다")), ("no", _("아니요, 참여하지 않겠습니다"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages=required(_("참여 여부를 선택해 주십시오.")),
    )
    note = forms.CharField(
        label=_("주관기업에 남길 말"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
