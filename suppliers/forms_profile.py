"""Forms for the supplier's own profile pages and the operators' review pages.

Validation at the edge, GOV.UK style, Korean first: forms turn what people type ("1,500,000,000",
three date parts 연/월/일, an uploaded file whose type is checked by its content) into values; they
never save. Views pass `cleaned_data` to `suppliers.services`, whose DomainErrors come back as field
errors.
"""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.forms import (
    CompanyEditForm,
    CountField,
    DatePartsField,
    LocalizedModelChoiceField,
    WonField,
    WonInput,
    required,
)
from organizations.models import KsicDivision, Region
from organizations.templatetags.sfms_format import lname

# Uploads and dates live in organizations so every app checks files and reads dates one way; the
# names stay importable from here for the supplier pages and their tests.
from organizations.uploads import CONTENT_TYPE as CONTENT_TYPE
from organizations.uploads import CheckedFileField
from organizations.uploads import extension_of as extension_of
from organizations.uploads import human_size as human_size
from organizations.uploads import sniff as sniff

from .models import (
    TRACK_LEVELS,
    CertificationKind,
    Deployment,
    SupplierDocumentKind,
    SupplierStatus,
    TechDomain,
)

# --- the supplier's own pages --------------------------------------------------------------------


class SupplierCompanyForm(CompanyEditForm):
    """The registry facts of a supplier: CompanyEditForm without the manufacturer's facility
    questions and main industry (suppliers are not classified by KSIC here)."""

    detail_fields = (
        "name",
        "name_en",
        "representative",
        "region",
        "postcode",
        "address",
        "address_detail",
        "phone",
        "employees",
        "annual_revenue",
    )
    dropped = ("ksic_division", "has_production_facility", "has_mes", "has_erp", "has_data_collection")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.dropped:
            del self.fields[name]
        self.order_fields([*self.detail_fields, "reason"])

    @classmethod
    def initial_for(cls, company):
        return {name: getattr(company, name) for name in cls.detail_fields}

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.detail_fields}


class DomainChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return lname(obj)


class AboutForm(forms.Form):
    """Technical domains, introduction and contact: what SMEs read first."""

    domains = DomainChoiceField(
        label=_("기술 분야"),
        queryset=TechDomain.objects.none(),
        help_text=_("제공하는 솔루션과 구축 서비스의 분야를 모두 선택해 주십시오."),
        error_messages={
            "required": _("기술 분야를 하나 이상 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 기술 분야를 선택해 주십시오."),
            "invalid_pk_value": _("목록에 있는 기술 분야를 선택해 주십시오."),
        },
    )
    introduction_ko = forms.CharField(
        label=_("기업 소개(한국어)"),
        max_length=4000,
        help_text=_("주요 솔루션, 강점, 구축 경험을 도입기업이 이해하기 쉽게 적어 주십시오."),
        error_messages=required(_("기업 소개(한국어)를 입력해 주십시오.")),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    introduction_en = forms.CharField(
        label=_("기업 소개(영어)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    contact_name = forms.CharField(
        label=_("담당자 이름"),
        max_length=60,
        error_messages=required(_("담당자 이름을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("담당자 전화"),
        required=False,
        max_length=20,
        help_text=_("예: 02-123-4567"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "w-20ch"}),
    )
    contact_email = forms.EmailField(
        label=_("담당자 이메일"),
        help_text=_("심사 결과와 도입기업의 문의가 이 주소로 갑니다."),
        error_messages={
            "required": _("담당자 이메일을 입력해 주십시오."),
            "invalid": _("이메일 주소를 name@example.kr 형식으로 입력해 주십시오."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    homepage = forms.URLField(
        label=_("홈페이지"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("예: https://www.example.kr"),
        error_messages={"invalid": _("홈페이지 주소를 https://www.example.kr 형식으로 입력해 주십시오.")},
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )

    profile_fields = (
        "introduction_ko",
        "introduction_en",
        "contact_name",
        "contact_phone",
        "contact_email",
        "homepage",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = TechDomain.objects.filter(is_active=True).order_by("order", "code")

    @classmethod
    def initial_for(cls, profile):
        initial = {name: getattr(profile, name) for name in cls.profile_fields}
        initial["domains"] = [d.pk for d in profile.domains.all()]
        return initial

    def changes(self):
        return {name: self.cleaned_data[name].strip() for name in self.profile_fields}


class DomainSelectField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return lname(obj)


class SolutionForm(forms.Form):
    name = forms.CharField(
        label=_("솔루션명"), max_length=120, error_messages=required(_("솔루션명을 입력해 주십시오."))
    )
    domain = DomainSelectField(
        label=_("기술 분야"),
        queryset=TechDomain.objects.none(),
        empty_label=_("선택해 주십시오"),
        error_messages={
            "required": _("솔루션의 기술 분야를 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 기술 분야를 선택해 주십시오."),
        },
    )
    description = forms.CharField(
        label=_("설명"),
        required=False,
        max_length=4000,
        help_text=_("주요 기능과 연동할 수 있는 시스템(MES, ERP 등)을 적어 주십시오."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    levels = forms.MultipleChoiceField(
        label=_("적합한 스마트공장 수준"),
        choices=TRACK_LEVELS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("해당하는 수준을 모두 선택해 주십시오."),
        error_messages={"invalid_choice": _("목록에 있는 수준을 선택해 주십시오.")},
    )
    deployment = forms.ChoiceField(
        label=_("구축 방식"),
        choices=Deployment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("구축 방식을 선택해 주십시오."),
            "invalid_choice": _("구축 방식을 선택해 주십시오."),
        },
    )
    price_min = WonField(
        label=_("최저 가격(원)"),
        required=False,
        min_value=0,
        max_value=10**13,
        help_text=_("원 단위, 예: 30,000,000"),
        error_messages={
            "invalid": _("최저 가격은 원 단위 숫자로 입력해 주십시오. 예: 30,000,000"),
            "min_value": _("최저 가격은 0원 이상이어야 합니다."),
            "max_value": _("최저 가격이 너무 큽니다. 원 단위로 입력했는지 확인해 주십시오."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    price_max = WonField(
        label=_("최고 가격(원)"),
        required=False,
        min_value=0,
        max_value=10**13,
        help_text=_("원 단위, 예: 150,000,000"),
        error_messages={
            "invalid": _("최고 가격은 원 단위 숫자로 입력해 주십시오. 예: 150,000,000"),
            "min_value": _("최고 가격은 0원 이상이어야 합니다."),
            "max_value": _("최고 가격이 너무 큽니다. 원 단위로 입력했는지 확인해 주십시오."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )

    fields_order = ("name", "domain", "description", "levels", "deployment", "price_min", "price_max")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = TechDomain.objects.filter(is_active=True).order_by("order", "code")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", _("최고 가격은 최저 가격보다 작을 수 없습니다."))
        return cleaned

    @classmethod
    def initial_for(cls, solution):
        initial = {name: getattr(solution, name) for name in cls.fields_order}
        initial["domain"] = solution.domain_id
        return initial

    def values(self):
        data = dict(self.cleaned_data)
        data["name"] = data["name"].strip()
        data["description"] = data["description"].strip()
        data["levels"] = [level for level, _label in TRACK_LEVELS if level in data["levels"]]
        return data


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("인증 종류"),
        choices=[("", _("선택해 주십시오")), *CertificationKind.choices],
        error_messages={
            "required": _("인증 종류를 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 인증 종류를 선택해 주십시오."),
        },
    )
    name = forms.CharField(
        label=_("인증명"),
        required=False,
        max_length=120,
        help_text=_("인증 종류가 '기타'이면 인증명을 입력해 주십시오."),
    )
    issuer = forms.CharField(
        label=_("발급 기관"),
        max_length=120,
        help_text=_("예: 중소벤처기업부, 한국표준협회"),
        error_messages=required(_("발급 기관을 입력해 주십시오.")),
    )
    number = forms.CharField(
        label=_("인증 번호"),
        max_length=60,
        error_messages=required(_("인증 번호를 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "w-20ch"}),
    )
    valid_until = DatePartsField(
        label=_("유효기간 만료일"),
        required=False,
        help_text=_("인증서에 적힌 만료일, 예: 2027 3 15. 만료일이 없으면 비워 두십시오."),
    )
    document = CheckedFileField(label=_("인증서 사본"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == CertificationKind.OTHER and not cleaned.get("name", "").strip():
            self.add_error("name", _("인증 종류가 '기타'이면 인증명을 입력해 주십시오."))
        return cleaned

    @classmethod
    def initial_for(cls, certification):
        return {
            name: getattr(certification, name) for name in ("kind", "name", "issuer", "number", "valid_until")
        }

    def values(self):
        data = {name: self.cleaned_data[name] for name in ("kind", "issuer", "number", "valid_until")}
        data["name"] = self.cleaned_data["name"].strip()
        data["issuer"] = data["issuer"].strip()
        data["number"] = data["number"].strip()
        if self.cleaned_data.get("document"):
            data["document"] = self.cleaned_data["document"]
        return data


class YearField(CountField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "w-5ch", "autocomplete": "off"}))
        super().__init__(**kwargs)


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("사례명"),
        max_length=150,
        help_text=_("예: 자동차 부품 공장 MES 구축"),
        error_messages=required(_("사례명을 입력해 주십시오.")),
    )
    client_sector = LocalizedModelChoiceField(
        label=_("고객 업종(KSIC 중분류)"),
        queryset=KsicDivision.objects.all(),
        required=False,
        empty_label=_("선택해 주십시오"),
        error_messages={"invalid_choice": _("목록에 있는 업종을 선택해 주십시오.")},
    )
    client_region = LocalizedModelChoiceField(
        label=_("고객 지역"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("선택해 주십시오"),
        error_messages={"invalid_choice": _("목록에 있는 지역을 선택해 주십시오.")},
    )
    year = YearField(
        label=_("구축 연도"),
        min_value=2000,
        help_text=_("4자리 숫자, 예: 2024"),
        error_messages={
            "required": _("구축 연도를 입력해 주십시오."),
            "invalid": _("구축 연도는 4자리 숫자로 입력해 주십시오. 예: 2024"),
            "min_value": _("구축 연도는 2000년 이후여야 합니다."),
            "max_value": _("구축 연도는 올해 이전이어야 합니다."),
        },
    )
    amount = WonField(
        label=_("사업 규모(원)"),
        min_value=0,
        max_value=10**13,
        help_text=_("총 사업비를 원 단위로 입력해 주십시오. 예: 120,000,000"),
        error_messages={
            "required": _("사업 규모를 입력해 주십시오."),
            "invalid": _("사업 규모는 원 단위 숫자로 입력해 주십시오. 예: 120,000,000"),
            "min_value": _("사업 규모는 0원 이상이어야 합니다."),
            "max_value": _("사업 규모가 너무 큽니다. 원 단위로 입력했는지 확인해 주십시오."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    level = forms.ChoiceField(
        label=_("구축 수준"),
        required=False,
        choices=[("", _("선택해 주십시오")), *TRACK_LEVELS],
        error_messages={"invalid_choice": _("목록에 있는 수준을 선택해 주십시오.")},
    )
    outcome = forms.CharField(
        label=_("성과 요약"),
        required=False,
        max_length=2000,
        help_text=_("예: 불량률 30% 감소, 설비 가동률 15% 향상"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    names = ("title", "client_sector", "client_region", "year", "amount", "level", "outcome")

    def __init__(self, *args, this_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.max_value = this_year or datetime.date.today().year
        field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]
        field.validators.append(MaxValueValidator(field.max_value))

    @classmethod
    def initial_for(cls, case):
        return {name: getattr(case, name) for name in cls.names}

    def values(self):
        data = {name: self.cleaned_data[name] for name in self.names}
        data["title"] = data["title"].strip()
        data["outcome"] = data["outcome"].strip()
        return data


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("서류 종류"),
        choices=SupplierDocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("서류 종류를 선택해 주십시오."),
            "invalid_choice": _("서류 종류를 선택해 주십시오."),
        },
    )
    file = CheckedFileField(label=_("파일"))


class ConfirmForm(forms.Form):
    """No questions: a delete or submit page's button."""


# --- operators' review pages ---------------------------------------------------------------------


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if reason_required:
            field.required = True
            field.help_text = _("공급기업에 이 사유가 그대로 안내됩니다.")
            field.error_messages = {
                **field.error_messages,
                "required": _("사유를 입력해 주십시오. 공급기업에 그대로 안내됩니다."),
            }
        else:
            field.label = _("메모")
            field.help_text = _("감사 기록과 공급기업 안내 메일에 함께 남습니다.")


def _score_field(label):
    return CountField(
        label=label,
        min_value=0,
        max_value=100,
        help_text=_("0에서 100 사이의 점수"),
        error_messages={
            "required": _("%(label)s 점수를 입력해 주십시오.") % {"label": label},
            "invalid": _("%(label)s 점수는 0에서 100 사이의 숫자로 입력해 주십시오.") % {"label": label},
            "min_value": _("%(label)s 점수는 0 이상이어야 합니다.") % {"label": label},
            "max_value": _("%(label)s 점수는 100 이하여야 합니다.") % {"label": label},
        },
        widget=forms.TextInput(attrs={"class": "w-5ch", "autocomplete": "off"}),
    )


class AssessmentForm(forms.Form):
    management = _score_field(_("경영 역량"))
    technology = _score_field(_("기술 역량"))
    project_management = _score_field(_("사업 관리 역량"))
    assessor = forms.CharField(
        label=_("평가자"),
        max_length=60,
        help_text=_("평가를 맡은 사람 또는 위원회의 이름"),
        error_messages=required(_("평가자를 입력해 주십시오.")),
    )
    assessed_on = DatePartsField(
        label=_("평가일"),
        help_text=_("예: 2026 9 15"),
        error_messages={"required": _("평가일을 입력해 주십시오.")},
    )
    notes = forms.CharField(
        label=_("의견"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def values(self):
        data = dict(self.cleaned_data)
        data["assessor"] = data["assessor"].strip()
        data["notes"] = data["notes"].strip()
        return data


REVIEW_STATUS_ORDER = (
    SupplierStatus.SUBMITTED,
    SupplierStatus.UNDER_REVIEW,
    SupplierStatus.RETURNED,
    SupplierStatus.REGISTERED,
    SupplierStatus.SUSPENDED,
    SupplierStatus.REJECTED,
    SupplierStatus.DRAFT,
)


class ReviewQueueFilter(django_filters.FilterSet):
    """The review queue's filters (the status comes from the tabs above the form)."""

    q = django_filters.CharFilter(
        label=_("검색어"), method="filter_q", help_text=_("기업명 또는 사업자등록번호")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("소재 지역"), queryset=Region.objects.all(), field_name="company__region"
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("기술 분야"), queryset=TechDomain.objects.filter(is_active=True), field_name="domains"
    )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = value.replace("-", "").replace(" ", "")
        condition = Q(company__name__icontains=value) | Q(company__name_en__icontains=value)
        if digits.isdigit():
            condition |= Q(company__business_number__contains=digits)
        return queryset.filter(condition)
