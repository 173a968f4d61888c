"""Forms for the browser UI: validation at the edge, in the user's language, GOV.UK style.

Forms never save: views pass `cleaned_data` to organizations.services.
"""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import ASSESSED_LEVELS, Company, KsicDivision, Region, User
from .rules import compact_business_number
from .templatetags.sfms_format import lname
from .uploads import PdfFileField
from .validators import validate_business_number


def required(message):
    """error_messages for a required field, in words that say what to enter."""
    return {"required": message}


class WonInput(forms.TextInput):
    """Shows whole won with thousands separators (1,500,000,000), as people type it."""

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)


class WonField(forms.IntegerField):
    """Whole won; accepts "1,500,000,000", "1 500 000 000" and "1500000000원"."""

    default_error_messages = {
        "invalid": _("금액은 원 단위 숫자로 입력해 주십시오. 예: 1,500,000,000"),
        "min_value": _("금액은 0원 이상이어야 합니다."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").removesuffix("원").strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input: type=number rejects commas and spins on scroll.
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs


class LocalizedModelChoiceField(forms.ModelChoiceField):
    """Options named in the active language (regions, KSIC divisions)."""

    def label_from_instance(self, obj):
        return lname(obj)


class CountField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("숫자로 입력해 주십시오."),
        "min_value": _("0 이상의 숫자로 입력해 주십시오."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)
        attrs.pop("step", None)
        attrs["inputmode"] = "numeric"
        return attrs


class BusinessNumberField(forms.CharField):
    """Accepts hyphens and spaces; cleans to the compact 10 digits; messages from validators.py."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("사업자등록번호"))
        kwargs.setdefault("help_text", _("숫자 10자리, 예: 123-45-67890"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", required(_("사업자등록번호를 입력해 주십시오.")))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "class": "w-12ch",
                }
            ),
        )
        super().__init__(**kwargs)
        self.validators = [validate_business_number]

    def clean(self, value):
        value = super().clean(value)
        return compact_business_number(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CompanyProfileForm(forms.Form):
    """The registry facts a company keeps about itself (sign-up and edit share them)."""

    name = forms.CharField(
        label=_("기업명"),
        max_length=120,
        error_messages=required(_("기업명을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    representative = forms.CharField(
        label=_("대표자명"), max_length=60, error_messages=required(_("대표자명을 입력해 주십시오."))
    )
    ksic_division = LocalizedModelChoiceField(
        label=_("주업종(KSIC 중분류)"),
        queryset=KsicDivision.objects.all(),
        required=False,
        empty_label=_("선택해 주십시오"),
        help_text=_("사업자등록증의 주업종에 해당하는 제조업 중분류를 선택해 주십시오."),
        error_messages={"invalid_choice": _("목록에 있는 업종을 선택해 주십시오.")},
    )
    region = LocalizedModelChoiceField(
        label=_("소재 지역"),
        queryset=Region.objects.all(),
        empty_label=_("선택해 주십시오"),
        help_text=_("본사 또는 주된 사업장이 있는 시·도를 선택해 주십시오."),
        error_messages={
            "required": _("소재 지역을 선택해 주십시오."),
            "invalid_choice": _("목록에 있는 지역을 선택해 주십시오."),
        },
    )
    postcode = forms.CharField(
        label=_("우편번호"),
        required=False,
        max_length=5,
        min_length=5,
        help_text=_("숫자 5자리, 예: 04161"),
        error_messages={
            "min_length": _("우편번호는 숫자 5자리로 입력해 주십시오."),
            "max_length": _("우편번호는 숫자 5자리로 입력해 주십시오."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "w-5ch"}
        ),
    )
    address = forms.CharField(
        label=_("주소"),
        required=False,
        max_length=200,
        help_text=_("도로명주소, 예: 서울특별시 마포구 마포대로 1"),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_detail = forms.CharField(
        label=_("상세주소"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    employees = CountField(
        label=_("상시 근로자 수"),
        min_value=0,
        help_text=_("명 단위 숫자, 예: 42"),
        error_messages={
            "required": _("상시 근로자 수를 입력해 주십시오."),
            "invalid": _("상시 근로자 수는 숫자로 입력해 주십시오. 예: 42"),
            "min_value": _("상시 근로자 수는 0명 이상이어야 합니다."),
        },
        widget=forms.TextInput(attrs={"class": "w-8ch"}),
    )
    annual_revenue = WonField(
        label=_("연 매출액(원)"),
        min_value=0,
        help_text=_("최근 사업연도 매출액을 원 단위로 입력해 주십시오. 예: 1,500,000,000"),
        error_messages={
            "required": _("연 매출액을 입력해 주십시오."),
            "invalid": _("연 매출액은 원 단위 숫자로 입력해 주십시오. 예: 1,500,000,000"),
            "min_value": _("연 매출액은 0원 이상이어야 합니다."),
        },
        widget=WonInput(attrs={"class": "w-20ch"}),
    )
    business_group = forms.CharField(
        label=_("소속 기업집단(해당 시)"),
        required=False,
        max_length=80,
        help_text=_(
            "공정거래위원회 지정 기업집단에 속하면 그 이름을 적어 주십시오. 예: 삼성. 평가위원 이해충돌 확인에 쓰입니다."
        ),
    )
    has_production_facility = forms.BooleanField(label=_("생산시설을 보유하고 있습니다"), required=False)
    has_mes = forms.BooleanField(label=_("MES(생산관리시스템)를 운영하고 있습니다"), required=False)
    has_erp = forms.BooleanField(label=_("ERP(전사적 자원관리)를 운영하고 있습니다"), required=False)
    has_data_collection = forms.BooleanField(
        label=_("설비·공정 데이터 수집 체계를 갖추고 있습니다"), required=False
    )

    facility_fields = ("has_production_facility", "has_mes", "has_erp", "has_data_collection")

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Company.Kind.MANUFACTURER:
            field = self.fields["ksic_division"]
            field.required = True
            field.error_messages = {**field.error_messages, "required": _("주업종을 선택해 주십시오.")}

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value and not value.isdigit():
            raise ValidationError(_("우편번호는 숫자 5자리로 입력해 주십시오."), code="postcode")
        return value

    def profile_data(self):
        return {name: self.cleaned_data[name] for name in CompanyProfileForm.base_fields}

    def facility_bound_fields(self):
        return [self[name] for name in self.facility_fields]


class SignUpForm(CompanyProfileForm):
    """One page: the person's account, then their company (kind chosen on the page before)."""

    email = forms.EmailField(
        label=_("이메일"),
        help_text=_("로그인 아이디로 사용합니다."),
        error_messages={
            "required": _("이메일을 입력해 주십시오."),
            "invalid": _("이메일 주소를 name@example.kr 형식으로 입력해 주십시오."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        help_text=_("10자 이상으로 입력해 주십시오. 숫자로만 된 비밀번호나 흔한 비밀번호는 쓸 수 없습니다."),
        error_messages=required(_("비밀번호를 입력해 주십시오.")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        help_text=_("같은 비밀번호를 한 번 더 입력해 주십시오."),
        error_messages=required(_("비밀번호를 한 번 더 입력해 주십시오.")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    full_name = forms.CharField(
        label=_("이름"),
        max_length=60,
        error_messages=required(_("이름을 입력해 주십시오.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("연락처"),
        required=False,
        max_length=20,
        help_text=_("예: 010-1234-5678"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "w-20ch"}),
    )
    business_number = BusinessNumberField()

    account_fields = ("email", "password1", "password2", "full_name", "phone")
    company_fields = (
        "business_number",
        "name",
        "representative",
        "ksic_division",
        "region",
        "postcode",
        "address",
        "address_detail",
        "employees",
        "annual_revenue",
    )
    field_order = [*account_fields, *company_fields, *CompanyProfileForm.facility_fields]

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("비밀번호가 일치하지 않습니다. 같은 비밀번호를 입력해 주십시오."))
        elif p1:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def account_bound_fields(self):
        return [self[name] for name in self.account_fields]

    def company_bound_fields(self):
        return [self[name] for name in self.company_fields]

    def company_data(self):
        return {
            **self.profile_data(),
            "kind": self.kind,
            "business_number": self.cleaned_data["business_number"],
        }


class CompanyEditForm(CompanyProfileForm):
    name_en = forms.CharField(label=_("영문 기업명"), required=False, max_length=160)
    phone = forms.CharField(
        label=_("대표 전화"),
        required=False,
        max_length=20,
        help_text=_("예: 02-123-4567"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "w-20ch"}),
    )
    reason = forms.CharField(
        label=_("수정 사유"),
        required=False,
        max_length=500,
        help_text=_("감사 기록에 함께 남습니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    detail_fields = (
        "name",
        "name_en",
        "representative",
        "ksic_division",
        "region",
        "postcode",
        "address",
        "address_detail",
        "phone",
        "employees",
        "annual_revenue",
        "business_group",
    )
    field_order = [*detail_fields, *CompanyProfileForm.facility_fields, "reason"]

    @classmethod
    def initial_for(cls, company):
        names = [*cls.detail_fields, *cls.facility_fields]
        return {name: getattr(company, name) for name in names}

    def detail_bound_fields(self):
        return [self[name] for name in self.detail_fields]

    def changes(self):
        """Only the fields the person actually changed, ready for services.company_update."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}


class SignUpKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("어떤 기업으로 가입하십니까?"),
        choices=[
            (Company.Kind.MANUFACTURER, _("제조기업(도입기업)")),
            (Company.Kind.SUPPLIER, _("공급기업")),
            (Company.Kind.LARGE_FIRM, _("대기업")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("기업 유형을 선택해 주십시오."),
            "invalid_choice": _("기업 유형을 선택해 주십시오."),
        },
    )

    HINTS = {
        Company.Kind.MANUFACTURER: _("스마트공장을 도입하려는 중소·중견 제조기업"),
        Company.Kind.SUPPLIER: _("스마트공장 솔루션과 구축 서비스를 제공하는 기업"),
        Company.Kind.LARGE_FIRM: _("상생형 사업에 출연하고 기술을 지원하는 대기업"),
    }


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("이메일 또는 비밀번호가 올바르지 않습니다. 다시 확인해 주십시오."),
        "inactive": _("사용이 중지된 계정입니다. 고객센터로 문의해 주십시오."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.label = _("이메일")
        username.error_messages = {**username.error_messages, "required": _("이메일을 입력해 주십시오.")}
        username.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        username.widget.attrs.pop("autofocus", None)
        password.label = _("비밀번호")
        password.error_messages = {**password.error_messages, "required": _("비밀번호를 입력해 주십시오.")}


# --- dates as three parts, 연/월/일 (GOV.UK date input) ------------------------------------------


class DatePartsWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.year), str(value.month), str(value.day)]
        return ["", "", ""]


PART_LABELS = (_("연"), _("월"), _("일"))
PART_NAMES = (_("연도를"), _("월을"), _("일을"))  # with their particles


class DatePartsField(forms.MultiValueField):
    """A memorable date typed as three numbers: year, month, day (in that order, the Korean way).

    After an error, `error_part` says which part (0, 1, 2) the error summary should link to."""

    widget = DatePartsWidget
    default_error_messages = {
        "required": _("날짜를 입력해 주십시오."),
        "missing_part": _("%(label)s의 %(part)s 입력해 주십시오."),
        "not_number": _("%(label)s은(는) 숫자로 입력해 주십시오. 예: 2027 3 15"),
        "year": _("%(label)s의 연도는 4자리 숫자로 입력해 주십시오. 예: 2027"),
        "real_date": _("%(label)s은(는) 실제 있는 날짜여야 합니다."),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("help_text", _("예: 2027 3 15"))
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.error_part = None

    def _fail(self, code, index, **params):
        self.error_part = index
        raise ValidationError(self.error_messages[code], code=code, params={"label": self.label, **params})

    def clean(self, value):
        self.error_part = None
        if isinstance(value, datetime.date):
            return value
        parts = [str(v or "").strip().rstrip(".") for v in (value or [])][:3]
        parts += [""] * (3 - len(parts))
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        for i, part in enumerate(parts):
            if not part:
                self._fail("missing_part", i, part=PART_NAMES[i])
        for i, part in enumerate(parts):
            if not part.isdigit():
                self._fail("not_number", i)
        year, month, day = (int(p) for p in parts)
        if len(parts[0]) != 4:
            self._fail("year", 0)
        if not 1 <= month <= 12:
            self._fail("real_date", 1)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            self._fail("real_date", 2)

    def compress(self, data_list):  # clean() is overridden; kept for MultiValueField's contract
        return None


def date_parts(bound):
    """The three inputs of a DatePartsField for the template: id, name, value, label, css width."""
    value = bound.value()
    if not isinstance(value, list | tuple):
        value = bound.field.widget.decompress(value)
    widths = ("w-year", "w-2", "w-2")
    return [
        {
            "id": f"{bound.auto_id}_{i}",
            "name": f"{bound.html_name}_{i}",
            "value": value[i] if i < len(value) and value[i] is not None else "",
            "label": PART_LABELS[i],
            "width": widths[i],
            "invalid": bool(bound.errors) and bound.field.error_part in (i, None),
        }
        for i in range(3)
    ]


# --- official level assessments --------------------------------------------------------------------


def _area_score(label):
    return CountField(
        label=label,
        min_value=0,
        max_value=100,
        help_text=_("결과서에 적힌 0에서 100 사이의 점수"),
        # format_lazy, not %: the message is built when shown, in the reader's language.
        error_messages={
            "required": format_lazy(_("{label}를 입력해 주십시오."), label=label),
            "invalid": format_lazy(_("{label}는 0에서 100 사이의 숫자로 입력해 주십시오."), label=label),
            "min_value": format_lazy(_("{label}는 0 이상이어야 합니다."), label=label),
            "max_value": format_lazy(_("{label}는 100 이하여야 합니다."), label=label),
        },
        widget=forms.TextInput(attrs={"class": "w-5ch", "autocomplete": "off"}),
    )


class LevelAssessmentForm(forms.Form):
    """An official level assessment as its report states it (organizations.services.level_assessment_record)."""

    assessing_body = forms.CharField(
        label=_("평가 기관"),
        max_length=100,
        help_text=_("결과서를 발급한 기관, 예: 스마트제조혁신추진단"),
        error_messages=required(_("평가 기관을 입력해 주십시오.")),
    )
    assessed_on = DatePartsField(
        label=_("평가일"),
        help_text=_("결과서에 적힌 평가일, 예: 2026 3 15"),
        error_messages={"required": _("평가일을 입력해 주십시오.")},
    )
    level = forms.ChoiceField(
        label=_("확인 수준"),
        choices=ASSESSED_LEVELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("확인된 수준을 선택해 주십시오."),
            "invalid_choice": _("확인된 수준을 선택해 주십시오."),
        },
    )
    data_collection_score = _area_score(_("데이터 수집 점수"))
    analysis_score = _area_score(_("분석 점수"))
    control_score = _area_score(_("자율 제어 점수"))
    report = PdfFileField(
        label=_("수준확인 결과서"),
        error_messages={"required": _("수준확인 결과서(PDF)를 선택해 주십시오.")},
    )
    note = forms.CharField(
        label=_("메모"),
        required=False,
        max_length=2000,
        help_text=_("기업에도 보입니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    score_fields = ("data_collection_score", "analysis_score", "control_score")

    def score_bound_fields(self):
        return [self[name] for name in self.score_fields]

    def values(self):
        """(data, report) for services.level_assessment_record."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "report"}
        data["assessing_body"] = data["assessing_body"].strip()
        data["note"] = data["note"].strip()
        return data, self.cleaned_data["report"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("철회 사유"),
        max_length=2000,
        help_text=_("감사 기록에 남고 기업에도 보입니다. 예: 다른 기업의 결과서를 잘못 올림"),
        error_messages=required(_("철회 사유를 입력해 주십시오.")),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
