"""Forms for the operator pages (programmes, calls, tracks, templates, documents, rules).

Validation at the edge, GOV.UK style, Korean first: forms turn what people type ("1,500,000,000",
"15.5", "2027. 3. 15.", "09:00") into values; they never save. Views pass `cleaned_data` to
`programs.services`, whose DomainErrors come back as field errors.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from organizations.forms import CountField, LocalizedModelChoiceField, WonField, WonInput, required
from organizations.models import KsicDivision, Operator, Region, SmartFactoryLevel
from organizations.templatetags.sfms_format import lname

from . import eligibility
from .models import (
    CallStatus,
    DeliveryModel,
    DocumentKind,
    FunderRole,
    Programme,
    ProgrammeType,
    RuleKind,
)

KST = ZoneInfo("Asia/Seoul")
FUNDER_ROWS = len(FunderRole.choices)  # every role at most once: one row each is enough
TRACK_LEVELS = [c for c in SmartFactoryLevel.choices if c[0] != SmartFactoryLevel.NONE]


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _pick(pair):
    """A (Korean, English) pair from the pure modules, in the active language."""
    ko, en = pair
    return en if _english() else ko


def percent_text(rate):
    """0.5 → "50", 0.155 → "15.5" (display of a stored rate; no rounding beyond the stored digits)."""
    if rate is None or rate == "":
        return ""
    shown = (Decimal(rate) * 100).normalize()
    return format(shown, "f")


# --- fields ------------------------------------------------------------------------------------


class TextDateField(forms.DateField):
    """A date typed as text: "2027. 3. 15.", "2027.3.15", "2027-03-15" or "20270315"."""

    default_error_messages = {"invalid": _("날짜를 2027. 3. 15. 형식으로 입력해 주십시오.")}
    FORMATS = ("%Y.%m.%d", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "w-12ch"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).replace(" ", "").rstrip(".")
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.year}. {value.month}. {value.day}."
        return value


class TextTimeField(forms.TimeField):
    """A 24-hour time typed as text: "09:00", "9:00" or "0900"."""

    default_error_messages = {"invalid": _("시각을 24시간제 09:00 형식으로 입력해 주십시오.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "w-5ch"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        text = str(value).strip().replace(" ", "")
        match = re.fullmatch(r"(\d{1,2}):?(\d{2})", text)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60:
                return datetime.time(hour, minute)
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value


class PercentField(forms.DecimalField):
    """A rate typed in percent ("50", "15.5", "50%"); cleans to the stored fraction (Decimal 0.155)."""

    default_error_messages = {
        "invalid": _("비율은 퍼센트 숫자로 입력해 주십시오. 예: 50 또는 15.5"),
        "min_value": _("비율은 0%% 이상이어야 합니다."),
        "max_value": _("비율은 100%%를 넘을 수 없습니다."),
        "max_decimal_places": _("비율은 소수점 아래 둘째 자리까지 입력할 수 있습니다. 예: 15.25"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "class": "w-5ch"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").removesuffix("%").replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def clean(self, value):
        number = super().clean(value)
        return None if number is None else (number / 100).quantize(Decimal("0.0001"))

    def prepare_value(self, value):
        # Initial values are stored fractions (Decimal); re-shown input stays as typed.
        if isinstance(value, Decimal):
            return percent_text(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        return attrs


class RegionChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid_choice": _("목록에 있는 지역을 선택해 주십시오.")})
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return lname(obj)


class SectorChoiceField(RegionChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", KsicDivision.objects.all())
        kwargs.setdefault("error_messages", {"invalid_choice": _("목록에 있는 업종을 선택해 주십시오.")})
        super().__init__(**kwargs)


# --- programmes --------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    operator = LocalizedModelChoiceField(
        label=_("운영기관"),
        queryset=Operator.objects.none(),
        empty_label=_("선택해 주십시오"),
        error_messages={
            "required": _("운영기관을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 운영기관을 선택해 주십시오."),
        },
    )
    name_ko = forms.CharField(
        label=_("사업명(한국어)"),
        max_length=150,
        help_text=_("예: 2027년 스마트공장 구축 지원사업"),
        error_messages=required(_("사업명(한국어)을 입력해 주십시오.")),
    )
    name_en = forms.CharField(label=_("사업명(영어)"), max_length=200, required=False)
    programme_type = forms.ChoiceField(
        label=_("사업 유형"),
        choices=[("", _("선택해 주십시오")), *ProgrammeType.choices],
        error_messages={
            "required": _("사업 유형을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 사업 유형을 선택해 주십시오."),
        },
    )
    fiscal_year = CountField(
        label=_("회계연도"),
        help_text=_("숫자 4자리, 예: 2027"),
        min_value=2014,
        max_value=2100,
        error_messages={
            "required": _("회계연도를 입력해 주십시오."),
            "invalid": _("회계연도는 숫자 4자리로 입력해 주십시오. 예: 2027"),
            "min_value": _("회계연도는 2014년 이후여야 합니다."),
            "max_value": _("회계연도는 2100년 이전이어야 합니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    budget = WonField(
        label=_("예산(원)"),
        min_value=0,
        help_text=_("원 단위로 입력해 주십시오. 예: 10,000,000,000"),
        error_messages={
            "required": _("예산을 입력해 주십시오."),
            "invalid": _("예산은 원 단위 숫자로 입력해 주십시오. 예: 10,000,000,000"),
            "min_value": _("예산은 0원 이상이어야 합니다."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    description_ko = forms.CharField(
        label=_("설명(한국어)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("설명(영어)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("수정 사유"),
        required=False,
        max_length=500,
        help_text=_("감사 기록에 함께 남습니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    data_fields = (
        "name_ko",
        "name_en",
        "programme_type",
        "fiscal_year",
        "budget",
        "description_ko",
        "description_en",
    )

    def __init__(self, *args, operators=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.single_operator = None
        if editing:
            del self.fields["operator"]
            return
        del self.fields["reason"]
        choices = list(operators)
        if len(choices) == 1:
            # One operator: nothing to ask (the page names it).
            self.single_operator = choices[0]
            del self.fields["operator"]
        else:
            self.fields["operator"].queryset = operators

    def chosen_operator(self):
        return self.single_operator or self.cleaned_data["operator"]

    @classmethod
    def initial_for(cls, programme):
        return {name: getattr(programme, name) for name in cls.data_fields}

    def fields_data(self):
        return {name: self.cleaned_data[name] for name in self.data_fields}

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.data_fields}

    def main_bound_fields(self):
        return [self[name] for name in self.fields if name != "reason"]


# --- calls -------------------------------------------------------------------------------------


def _kst(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time), KST)


class CallForm(forms.Form):
    """A call's terms. After publishing only wording, contacts and a later deadline remain
    (`services.CALL_FIELDS_AFTER_PUBLISHING`); the other fields are removed from the form."""

    title_ko = forms.CharField(
        label=_("공고명(한국어)"),
        max_length=200,
        help_text=_("예: 2027년 스마트공장 구축 지원사업 공고"),
        error_messages=required(_("공고명(한국어)을 입력해 주십시오.")),
    )
    title_en = forms.CharField(label=_("공고명(영어)"), max_length=250, required=False)
    body_ko = forms.CharField(
        label=_("공고 내용(한국어)"),
        help_text=_("지원 대상, 지원 내용, 신청 방법을 적어 주십시오. 빈 줄로 문단을 나눕니다."),
        error_messages=required(_("공고 내용(한국어)을 입력해 주십시오.")),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    body_en = forms.CharField(
        label=_("공고 내용(영어)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    opens_date = TextDateField(
        label=_("날짜"),
        help_text=_("예: 2027. 3. 15."),
        error_messages=required(_("접수 시작 날짜를 입력해 주십시오.")),
    )
    opens_time = TextTimeField(
        label=_("시각"),
        help_text=_("24시간제, 예: 09:00"),
        error_messages=required(_("접수 시작 시각을 입력해 주십시오.")),
    )
    closes_date = TextDateField(
        label=_("날짜"),
        help_text=_("예: 2027. 4. 15."),
        error_messages=required(_("접수 마감 날짜를 입력해 주십시오.")),
    )
    closes_time = TextTimeField(
        label=_("시각"),
        help_text=_("24시간제, 예: 18:00"),
        error_messages=required(_("접수 마감 시각을 입력해 주십시오.")),
    )
    total_budget = WonField(
        label=_("총 지원 예산(원)"),
        min_value=0,
        help_text=_("원 단위로 입력해 주십시오. 예: 1,500,000,000"),
        error_messages={
            "required": _("총 지원 예산을 입력해 주십시오."),
            "invalid": _("총 지원 예산은 원 단위 숫자로 입력해 주십시오. 예: 1,500,000,000"),
            "min_value": _("총 지원 예산은 0원 이상이어야 합니다."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    delivery_model = forms.ChoiceField(
        label=_("추진 유형"),
        choices=DeliveryModel.choices,
        initial=DeliveryModel.STANDARD,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("추진 유형을 선택해 주십시오."),
            "invalid_choice": _("추진 유형을 선택해 주십시오."),
        },
    )
    regions = RegionChoiceField(label=_("신청 가능 지역"), help_text=_("선택하지 않으면 전국입니다."))
    sectors = SectorChoiceField(
        label=_("신청 가능 업종"), help_text=_("선택하지 않으면 제조업 전체(C10–C34)입니다.")
    )
    rubric_reference = forms.CharField(
        label=_("평가 기준"),
        max_length=200,
        required=False,
        help_text=_("평가표의 이름이나 문서 번호, 예: 2027 구축사업 평가표(서면·발표)"),
    )
    contact_name = forms.CharField(label=_("문의 담당"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=_("문의 전화"),
        max_length=20,
        required=False,
        help_text=_("예: 02-123-4567"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "class": "w-20ch"}),
    )
    contact_email = forms.EmailField(
        label=_("문의 이메일"),
        required=False,
        error_messages={"invalid": _("이메일 주소를 name@example.kr 형식으로 입력해 주십시오.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    results_public = forms.BooleanField(label=_("선정 결과를 공개합니다"), required=False, initial=True)
    reason = forms.CharField(
        label=_("수정 사유"),
        required=False,
        max_length=500,
        help_text=_("감사 기록에 함께 남습니다. 공고된 뒤 마감을 연장할 때는 꼭 입력해 주십시오."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    SIMPLE_FIELDS = (
        "title_ko",
        "title_en",
        "body_ko",
        "body_en",
        "total_budget",
        "delivery_model",
        "rubric_reference",
        "contact_name",
        "contact_phone",
        "contact_email",
        "results_public",
    )
    AFTER_PUBLISHING = (
        "title_ko",
        "title_en",
        "body_ko",
        "body_en",
        "closes_date",
        "closes_time",
        "rubric_reference",
        "contact_name",
        "contact_phone",
        "contact_email",
        "reason",
    )
    # Where a service error about a model field is shown.
    FIELD_FOR = {"opens_at": "opens_date", "closes_at": "closes_date", "eligible_regions": "regions"}

    def __init__(self, *args, published=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.published = published
        if published:
            for name in list(self.fields):
                if name not in self.AFTER_PUBLISHING:
                    del self.fields[name]
        if not editing:
            del self.fields["reason"]

    @classmethod
    def initial_for(cls, call):
        opens, closes = timezone.localtime(call.opens_at, KST), timezone.localtime(call.closes_at, KST)
        initial = {name: getattr(call, name) for name in cls.SIMPLE_FIELDS}
        initial.update(
            opens_date=opens.date(),
            opens_time=opens.time(),
            closes_date=closes.date(),
            closes_time=closes.time(),
            regions=list(call.eligible_regions.all()),
            sectors=list(call.eligible_sectors.all()),
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        for prefix in ("opens", "closes"):
            day, time = cleaned.get(f"{prefix}_date"), cleaned.get(f"{prefix}_time")
            if day is not None and time is not None:
                cleaned[f"{prefix}_at"] = _kst(day, time)
        return cleaned

    def has(self, name):
        return name in self.fields

    def values(self):
        """(fields, regions, sectors) for services.call_create."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.SIMPLE_FIELDS if name in self.fields}
        fields.update(opens_at=data["opens_at"], closes_at=data["closes_at"])
        return fields, list(data["regions"]), list(data["sectors"])

    def changes(self, call):
        """(changes, regions or None, sectors or None): only what the person actually changed."""
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in self.SIMPLE_FIELDS
            if name in self.fields and data[name] != getattr(call, name)
        }
        for name in ("opens_at", "closes_at"):
            if f"{name[:-3]}_date" in self.fields and data[name] != getattr(call, name):
                changes[name] = data[name]
        regions = sectors = None
        if "regions" in self.fields:
            if {r.pk for r in data["regions"]} != {r.pk for r in call.eligible_regions.all()}:
                regions = list(data["regions"])
            if {s.pk for s in data["sectors"]} != {s.pk for s in call.eligible_sectors.all()}:
                sectors = list(data["sectors"])
        return changes, regions, sectors

    def field_for(self, name):
        name = self.FIELD_FOR.get(name, name)
        return name if name in self.fields else None


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("취소 사유"),
        max_length=2000,
        help_text=_("관심 공고로 등록한 사용자에게 이 사유가 안내됩니다."),
        error_messages=required(_("공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다.")),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            (CallStatus.EVALUATING, CallStatus.EVALUATING.label),
            (CallStatus.CONCLUDED, CallStatus.CONCLUDED.label),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("메모"),
        required=False,
        max_length=500,
        help_text=_("감사 기록에 함께 남습니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    """No questions: the page shows what will be announced and what still blocks it."""


class CloneForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("새 공고를 만들 지원사업"),
        queryset=Programme.objects.none(),
        empty_label=None,
        help_text=_("다음 회계연도 사업이 있으면 그 사업이 먼저 선택되어 있습니다."),
        error_messages={
            "required": _("지원사업을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 지원사업을 선택해 주십시오."),
        },
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].label_from_instance = lambda p: f"{p.fiscal_year} {lname(p)}"


# --- tracks and cost-share templates -------------------------------------------------------------


class TrackForm(forms.Form):
    level = forms.ChoiceField(
        label=_("목표 수준"),
        choices=[("", _("선택해 주십시오")), *TRACK_LEVELS],
        error_messages={
            "required": _("목표 수준을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 수준을 선택해 주십시오."),
        },
    )
    name_ko = forms.CharField(
        label=_("유형명(한국어)"),
        max_length=80,
        required=False,
        help_text=_("예: 기초형, 고도형. 비워 두면 목표 수준을 씁니다."),
    )
    name_en = forms.CharField(label=_("유형명(영어)"), max_length=120, required=False)
    minimum_current_level = forms.ChoiceField(
        label=_("신청 최소 현재 수준"),
        choices=SmartFactoryLevel.choices,
        initial=SmartFactoryLevel.NONE,
        error_messages={"invalid_choice": _("목록에 있는 수준을 선택해 주십시오.")},
    )
    allows_fast_track = forms.BooleanField(
        label=_("패스트트랙 허용(MES·ERP·데이터 수집을 모두 갖춘 기업은 최소 수준을 건너뜀)"),
        required=False,
    )
    max_duration_months = CountField(
        label=_("최대 사업기간(개월)"),
        min_value=1,
        max_value=60,
        initial=9,
        help_text=_("1에서 60 사이, 예: 9"),
        error_messages={
            "required": _("최대 사업기간을 입력해 주십시오."),
            "invalid": _("최대 사업기간은 개월 수를 숫자로 입력해 주십시오. 예: 9"),
            "min_value": _("최대 사업기간은 1개월 이상이어야 합니다."),
            "max_value": _("최대 사업기간은 60개월 이하여야 합니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-5ch"}),
    )
    projects_planned = CountField(
        label=_("선정 예정 과제 수"),
        min_value=0,
        initial=1,
        error_messages={
            "required": _("선정 예정 과제 수를 입력해 주십시오."),
            "invalid": _("선정 예정 과제 수는 숫자로 입력해 주십시오. 예: 120"),
        },
        widget=forms.TextInput(attrs={"class": "w-8ch"}),
    )
    rounding_unit = WonField(
        label=_("절사 단위(원)"),
        min_value=1,
        max_value=10_000_000,
        initial=1000,
        help_text=_("출자 기관 분담액을 이 단위로 내림하고 나머지는 기업이 부담합니다. 기본 1,000원"),
        error_messages={
            "required": _("절사 단위를 입력해 주십시오. 기본은 1,000원입니다."),
            "invalid": _("절사 단위는 원 단위 숫자로 입력해 주십시오. 예: 1,000"),
            "min_value": _("절사 단위는 1원 이상이어야 합니다."),
            "max_value": _("절사 단위는 10,000,000원 이하여야 합니다."),
        },
        widget=WonInput(attrs={"class": "w-12ch"}),
    )
    bonus_regions = RegionChoiceField(
        label=_("우대 지역"),
        help_text=_("이 지역 기업에는 출자 기관의 우대 비율과 우대 한도가 적용됩니다."),
    )

    DATA_FIELDS = (
        "level",
        "name_ko",
        "name_en",
        "minimum_current_level",
        "allows_fast_track",
        "max_duration_months",
        "projects_planned",
        "rounding_unit",
    )

    @classmethod
    def initial_for(cls, track):
        initial = {name: getattr(track, name) for name in cls.DATA_FIELDS}
        initial["bonus_regions"] = list(track.bonus_regions.all())
        return initial

    def fields_data(self):
        return {name: self.cleaned_data[name] for name in self.DATA_FIELDS}

    def changes(self, track):
        changes = {
            name: self.cleaned_data[name]
            for name in self.DATA_FIELDS
            if self.cleaned_data[name] != getattr(track, name)
        }
        regions = list(self.cleaned_data["bonus_regions"])
        if {r.pk for r in regions} == {r.pk for r in track.bonus_regions.all()}:
            regions = None
        return changes, regions

    def main_bound_fields(self):
        return [self[name] for name in self.DATA_FIELDS if name != "allows_fast_track"]


class FunderLineForm(forms.Form):
    role = forms.ChoiceField(
        label=_("출자 주체"),
        choices=[("", _("사용 안 함")), *FunderRole.choices],
        required=False,
        error_messages={"invalid_choice": _("목록에 있는 출자 주체를 선택해 주십시오.")},
    )
    rate = PercentField(label=_("분담 비율(%)"), required=False)
    cap = WonField(
        label=_("한도(원)"),
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("한도는 원 단위 숫자로 입력해 주십시오. 예: 50,000,000"),
            "min_value": _("한도는 1원 이상이어야 합니다. 한도가 없으면 비워 두십시오."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    bonus_rate = PercentField(label=_("우대 비율(%)"), required=False)
    bonus_cap = WonField(
        label=_("우대 한도(원)"),
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("우대 한도는 원 단위 숫자로 입력해 주십시오. 예: 200,000,000"),
            "min_value": _("우대 한도는 1원 이상이어야 합니다. 한도가 없으면 비워 두십시오."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )

    VALUE_FIELDS = ("rate", "cap", "bonus_rate", "bonus_cap")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        filled = [name for name in self.VALUE_FIELDS if self.data.get(self.add_prefix(name), "").strip()]
        if not role:
            if filled and "role" not in self.errors:
                self.add_error(
                    "role", _("이 줄의 출자 주체를 선택해 주십시오. 쓰지 않는 줄은 모두 비워 두십시오.")
                )
            return cleaned
        label = FunderRole(role).label
        if cleaned.get("rate") is None and "rate" not in self.errors:
            self.add_error("rate", _("%(role)s의 분담 비율을 입력해 주십시오. 예: 50") % {"role": label})
        return cleaned

    def row(self):
        data = self.cleaned_data
        if not data.get("role"):
            return None
        return {name: data.get(name) for name in ("role", *self.VALUE_FIELDS)}


class BaseFunderFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            role = form.cleaned_data.get("role")
            if not role:
                continue
            if role in seen:
                form.add_error(
                    "role",
                    _("%(role)s이(가) 두 번 선택되었습니다. 출자 주체마다 한 줄만 두십시오.")
                    % {"role": FunderRole(role).label},
                )
            seen.add(role)

    def rows(self):
        return [row for row in (form.row() for form in self.forms) if row is not None]


# Starting template for a new track, by the call's delivery model (design.md; an operator edits it).
SEED_TEMPLATES = {
    DeliveryModel.STANDARD: [{"role": FunderRole.CENTRAL_GOVERNMENT, "rate": Decimal("0.5")}],
    DeliveryModel.WIN_WIN: [
        {"role": FunderRole.CENTRAL_GOVERNMENT, "rate": Decimal("0.3")},
        {"role": FunderRole.LARGE_FIRM, "rate": Decimal("0.3")},
    ],
    DeliveryModel.LOCAL_GOVERNMENT: [
        {"role": FunderRole.PROVINCE, "rate": Decimal("0.3")},
        {"role": FunderRole.MUNICIPALITY, "rate": Decimal("0.3")},
    ],
}


def funder_formset(data=None, *, initial=()):
    """Always FUNDER_ROWS rows: the existing lines first, then empty rows to fill in."""
    initial = list(initial)
    formset_class = forms.formset_factory(
        FunderLineForm,
        formset=BaseFunderFormSet,
        extra=max(FUNDER_ROWS - len(initial), 0),
        max_num=FUNDER_ROWS,
        absolute_max=FUNDER_ROWS,
    )
    return formset_class(data, initial=initial, prefix="funders")


def funder_initial(track):
    return [
        {name: getattr(f, name) for name in ("role", "rate", "cap", "bonus_rate", "bonus_cap")}
        for f in track.funders.all()
    ]


class TemplateReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("변경 사유"),
        required=False,
        max_length=500,
        help_text=_(
            "공고된 뒤에 분담 기준을 바꾸면 꼭 입력해 주십시오. 신청 기업의 분담금이 다시 계산됩니다."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConfirmDeleteForm(forms.Form):
    """Nothing to ask; a POST with the CSRF token confirms."""


# --- required documents ------------------------------------------------------------------------------


class RequiredDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("서류 종류"),
        choices=[("", _("선택해 주십시오")), *DocumentKind.choices],
        error_messages={
            "required": _("서류 종류를 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 서류 종류를 선택해 주십시오."),
        },
    )
    name_ko = forms.CharField(
        label=_("서류명(한국어)"),
        max_length=120,
        required=False,
        help_text=_("비워 두면 서류 종류의 이름을 씁니다. 예: 최근 3년 재무제표"),
    )
    name_en = forms.CharField(label=_("서류명(영어)"), max_length=160, required=False)
    is_mandatory = forms.BooleanField(
        label=_("반드시 제출해야 하는 서류입니다"), required=False, initial=True
    )
    advancement_only = forms.BooleanField(
        label=_("고도화 과제(기초 단계가 아닌 과제)에만 요구합니다"), required=False
    )

    DATA_FIELDS = ("kind", "name_ko", "name_en", "is_mandatory", "advancement_only")

    def fields_data(self):
        return {name: self.cleaned_data[name] for name in self.DATA_FIELDS}


# --- eligibility rules --------------------------------------------------------------------------------


class RuleKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("어떤 신청 자격 규칙을 추가하시겠습니까?"),
        choices=RuleKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("추가할 규칙을 선택해 주십시오."),
            "invalid_choice": _("추가할 규칙을 선택해 주십시오."),
        },
    )


class SectorCapsField(forms.CharField):
    """Revenue limits by sector, one per line: "C10 120,000,000,000" (or "C10: …", "C10=…")."""

    default_error_messages = {
        "invalid": _("한 줄에 하나씩 'C10 120,000,000,000'처럼 업종 코드와 금액(원)을 입력해 주십시오."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        caps = {}
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.fullmatch(r"([A-Za-z]\d{2})\s*[:=]?\s*([\d,\s]+)\s*원?", line)
            if not match:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            caps[match.group(1).upper()] = int(re.sub(r"[,\s]", "", match.group(2)))
        return caps

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{code} {amount:,}" for code, amount in value.items())
        return value


def _choices(table):
    return [(code, _pick(pair)) for code, pair in table.items()]


def _param_field(kind, name, label):
    """The form field for one rule parameter (PARAM_HELP names and describes it)."""
    if (kind, name) == ("sme_size", "max_employees"):
        return CountField(
            label=label,
            required=False,
            help_text=_("명 단위 숫자, 예: 300"),
            error_messages={"invalid": _("근로자 수는 숫자로 입력해 주십시오. 예: 300")},
            widget=forms.TextInput(attrs={"class": "w-8ch"}),
        )
    if (kind, name) == ("sme_size", "max_revenue"):
        return WonField(
            label=label,
            required=False,
            help_text=_("원 단위, 예: 150,000,000,000(1,500억 원)"),
            widget=WonInput(attrs={"class": "w-20ch"}),
        )
    if (kind, name) == ("sme_size", "revenue_caps_by_sector"):
        return SectorCapsField(label=label, help_text=_("한 줄에 하나씩, 예: C10 120,000,000,000"))
    if (kind, name) == ("sme_size", "combine"):
        return forms.ChoiceField(
            label=label,
            choices=[
                ("any", _("하나 이상 충족하면 됩니다(근로자 수 또는 매출액)")),
                ("all", _("모두 충족해야 합니다(근로자 수 그리고 매출액)")),
            ],
            initial="any",
            widget=forms.RadioSelect,
            error_messages={"required": _("기준 결합 방식을 선택해 주십시오.")},
        )
    if (kind, name) == ("sector", "allowed"):
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=[(d.code, lname(d)) for d in KsicDivision.objects.all()],
            widget=forms.CheckboxSelectMultiple,
        )
    if (kind, name) == ("region", "allowed"):
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=[(r.code, lname(r)) for r in Region.objects.all()],
            widget=forms.CheckboxSelectMultiple,
        )
    if (kind, name) == ("minimum_level", "minimum"):
        return forms.ChoiceField(
            label=label,
            choices=[(level, _pick(eligibility.LEVEL_LABELS[level])) for level in eligibility.LEVEL_ORDER],
            initial="none",
            error_messages={"required": _("최소 현재 수준을 선택해 주십시오.")},
        )
    if kind == "required_documents":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=_choices(eligibility.DOCUMENT_LABELS),
            widget=forms.CheckboxSelectMultiple,
        )
    if (kind, name) == ("no_duplicate_support", "years"):
        return CountField(
            label=label,
            help_text=_("년 단위 숫자, 예: 3"),
            error_messages={
                "required": _("중복 지원 제한 기간을 입력해 주십시오. 예: 3"),
                "invalid": _("중복 지원 제한 기간은 년 단위 숫자로 입력해 주십시오. 예: 3"),
            },
            widget=forms.TextInput(attrs={"class": "w-5ch"}),
        )
    if (kind, name) == ("declarations", "required"):
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=_choices(eligibility.DECLARATION_KINDS),
            widget=forms.CheckboxSelectMultiple,
        )
    if name in ("allow_fast_track", "reapply_same_level", "same_level"):
        return forms.BooleanField(label=label, required=False)
    return None


class RuleForm(forms.Form):
    """Common to every rule: which track it applies to and whether it is in use. `rule_form`
    adds one field per parameter of the kind, named after the parameter (so a RuleParamsError's
    `.field` lands on its input)."""

    track = forms.ModelChoiceField(
        label=_("적용 지원 유형"),
        queryset=None,
        required=False,
        empty_label=_("모든 지원 유형"),
        error_messages={"invalid_choice": _("목록에 있는 지원 유형을 선택해 주십시오.")},
    )
    is_active = forms.BooleanField(label=_("이 규칙을 사용합니다"), required=False, initial=True)

    kind = None
    param_names = ()

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["track"]
        field.queryset = call.tracks.all()
        field.label_from_instance = lambda t: f"{t.display_name} ({t.get_level_display()})"
        for name in self.param_names:
            label = _pick(eligibility.PARAM_HELP[self.kind][name])
            built = _param_field(self.kind, name, label)
            if built is None:  # a parameter added to the rules without a field here: edit as text
                built = forms.CharField(label=label, required=False)
            self.fields[name] = built
        self.order_fields([*self.param_names, "track", "is_active"])

    @classmethod
    def initial_for(cls, rule):
        return {"track": rule.track, "is_active": rule.is_active, **rule.params}

    def params(self):
        params = {}
        for name in self.param_names:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.MultipleChoiceField):
                value = list(value or [])
            params[name] = value
        return params

    def param_bound_fields(self):
        return [self[name] for name in self.param_names]


def rule_form(kind):
    """The form class for a rule kind, its fields built from `eligibility.PARAM_HELP`."""
    if kind not in eligibility.PARAM_HELP:
        return None
    return type(
        f"RuleForm_{kind}", (RuleForm,), {"kind": kind, "param_names": tuple(eligibility.PARAM_HELP[kind])}
    )
