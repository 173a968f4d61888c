"""Forms for the supplier's own profile pages and the operators' review pages.

Validation at the edge, GOV.UK style, Korean first: forms turn what people type ("1,500,000,000",
three date parts 연/월/일, an uploaded file whose type is checked by its content) into values; they
never save. Views pass `cleaned_data` to `suppliers.services`, whose DomainErrors come back as field
errors.
"""

import datetime
import io
import uuid
import zipfile

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.forms import (
    CompanyEditForm,
    CountField,
    LocalizedModelChoiceField,
    WonField,
    WonInput,
    required,
)
from organizations.models import KsicDivision, Region
from organizations.templatetags.sfms_format import lname

from .models import (
    TRACK_LEVELS,
    CertificationKind,
    Deployment,
    SupplierDocumentKind,
    SupplierStatus,
    TechDomain,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# --- uploaded files: the type is what the bytes say, not what the name says ---------------------

# Extension -> the content kind it must carry.
EXTENSION_KIND = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "hwp": "ole",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "hwpx": "hwpx",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
}
KIND_LABEL = {
    "pdf": "PDF",
    "png": _("PNG 이미지"),
    "jpeg": _("JPG 이미지"),
    "ole": _("한글(HWP) 또는 MS 오피스 97–2003 문서"),
    "hwpx": _("한글(HWPX) 문서"),
    "docx": _("워드(DOCX) 문서"),
    "xlsx": _("엑셀(XLSX) 문서"),
    "pptx": _("파워포인트(PPTX) 문서"),
    "zip": _("ZIP 압축 파일"),
}
CONTENT_TYPE = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: HWP 5.x, .doc, .xls, .ppt
ZIP_MAGIC = b"PK\x03\x04"  # HWPX and Office Open XML are zip packages
ACCEPTED_TEXT = _("PDF, 한글(HWP·HWPX), 워드·엑셀·파워포인트, JPG·PNG")


def _zip_kind(fileobj):
    """Which package a zip is, by its members: HWPX has `mimetype` = application/hwp+zip, OOXML has
    `[Content_Types].xml` and a word/, xl/ or ppt/ folder."""
    try:
        with zipfile.ZipFile(fileobj) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == b"application/hwp+zip":
                return "hwpx"
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return "zip"


def sniff(fileobj):
    """The content kind of an uploaded file from its first bytes (magic numbers), or None.

    pdf, png, jpeg, ole (HWP 5.x and Office 97–2003 share the compound-file header), hwpx, docx,
    xlsx, pptx, or zip for any other zip package."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(ZIP_MAGIC):
        data = fileobj.read()
        fileobj.seek(0)
        return _zip_kind(io.BytesIO(data))
    return None


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def human_size(size):
    """ "17KB", "2.4MB" (KRDS file-list style)."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / (1024 * 1024):.1f}MB"


class CheckedFileField(forms.FileField):
    """A document upload: PDF, HWP/HWPX, Office, JPG/PNG up to 10 MB, its type checked by content.

    Cleans to the uploaded file renamed to a random name with its real extension; the name the
    person gave is kept in `original_name` on the file object."""

    default_error_messages = {
        "required": _("올릴 파일을 선택해 주십시오."),
        "empty": _("선택한 파일이 비어 있습니다. 내용이 있는 파일을 선택해 주십시오."),
        "invalid": _("파일을 올리지 못했습니다. 파일을 다시 선택해 주십시오."),
        "missing": _("파일을 올리지 못했습니다. 파일을 다시 선택해 주십시오."),
        "too_large": _("선택한 파일은 10MB 이하여야 합니다. (선택한 파일: %(size)s)"),
        "extension": _("선택한 파일은 %(accepted)s 형식이어야 합니다."),
        "unknown": _("선택한 파일의 내용이 %(accepted)s 형식이 아닙니다. 파일을 확인해 주십시오."),
        "mismatch": _(
            "선택한 파일의 내용이 확장자(.%(ext)s)와 맞지 않습니다. 파일 내용은 %(actual)s입니다. "
            "올바른 파일을 선택해 주십시오."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            forms.FileInput(attrs={"accept": ",".join(f".{ext}" for ext in EXTENSION_KIND)}),
        )
        kwargs.setdefault(
            "help_text",
            _("%(accepted)s 파일, 10MB 이하") % {"accepted": ACCEPTED_TEXT},
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {}

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return uploaded
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                self.error_messages["too_large"], code="too_large", params={"size": human_size(uploaded.size)}
            )
        original = uploaded.name.replace("\\", "/").rsplit("/", 1)[-1]
        ext = extension_of(original)
        expected = EXTENSION_KIND.get(ext)
        if expected is None:
            raise ValidationError(
                self.error_messages["extension"], code="extension", params={"accepted": ACCEPTED_TEXT}
            )
        actual = sniff(uploaded)
        if actual is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"accepted": ACCEPTED_TEXT}
            )
        if actual != expected:
            raise ValidationError(
                self.error_messages["mismatch"],
                code="mismatch",
                params={"ext": ext, "actual": KIND_LABEL[actual]},
            )
        uploaded.original_name = original[-200:]
        uploaded.name = f"{uuid.uuid4().hex}.{ext}"
        return uploaded


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
