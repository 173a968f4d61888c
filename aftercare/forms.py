"""Forms of the aftercare page. They turn what people type into values and never save: the views pass
`cleaned_data` to `aftercare.services`, whose refusals come back as the error summary."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.forms import WonField, required
from organizations.uploads import CheckedFileField
from programs.forms_operator import TextDateField

SCORES = [("", _("고르십시오")), *[(str(n), _("%(n)s점") % {"n": n}) for n in range(5, 0, -1)]]


def _text(label, message, *, rows=4, required_field=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required_field,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={**required(message), "max_length": _("4,000자 이내로 적어 주십시오.")},
    )


def _score(label):
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        help_text=_("5점이 가장 좋습니다."),
        error_messages=required(_("점수를 1점부터 5점 가운데 골라 주십시오.")),
    )


class DefectRequestForm(forms.Form):
    description = _text(
        _("하자 내용"),
        _("하자 내용을 적어 주십시오."),
        help_text=_("어떤 설비·시스템에서 언제부터 어떤 문제가 생겼는지 적어 주십시오."),
    )
    attachment = CheckedFileField(label=_("사진·첨부 파일"), required=False)


class DefectRespondForm(forms.Form):
    response = _text(_("조치 내용"), _("조치한 내용을 적어 주십시오."))
    repaired_on = TextDateField(
        label=_("조치일"),
        help_text=_("요청일 이후, 오늘이나 그 이전. 예: 2027. 3. 2."),
        error_messages=required(_("조치일을 입력해 주십시오.")),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"repaired_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SatisfactionForm(forms.Form):
    score = _score(_("만족도"))
    comment = _text(_("의견"), "", rows=2, required_field=False)


class MaintenanceForm(forms.Form):
    provider_name = forms.CharField(
        label=_("유지보수 업체"),
        max_length=160,
        error_messages={
            **required(_("유지보수 업체명을 적어 주십시오.")),
            "max_length": _("업체명은 160자 이내로 적어 주십시오."),
        },
    )
    counterpart = forms.ChoiceField(
        label=_("계약 상대"),
        choices=[("supplier", _("과제의 공급기업")), ("other", _("다른 업체"))],
        error_messages=required(_("계약 상대를 고르십시오.")),
    )
    starts_on = TextDateField(
        label=_("계약 시작일"),
        help_text=_("예: 2027. 7. 1."),
        error_messages=required(_("계약 시작일을 입력해 주십시오.")),
    )
    ends_on = TextDateField(
        label=_("계약 종료일"),
        help_text=_("시작일 이후. 예: 2028. 6. 30."),
        error_messages=required(_("계약 종료일을 입력해 주십시오.")),
    )
    annual_fee = WonField(
        label=_("연간 유지보수비(원)"),
        min_value=0,
        help_text=_("예: 12,000,000"),
        error_messages=required(_("연간 유지보수비를 입력해 주십시오.")),
    )
    scope = _text(_("유지보수 범위"), _("유지보수 범위를 적어 주십시오."), rows=3)
    document = CheckedFileField(label=_("계약서 파일"), required=False)

    def __init__(self, *args, supplier_name="", **kwargs):
        if supplier_name:
            kwargs.setdefault("initial", {"provider_name": supplier_name, "counterpart": "supplier"})
        super().__init__(*args, **kwargs)


class UnfairReportForm(forms.Form):
    reporter_company = forms.TypedChoiceField(
        label=_("신고하는 기업"),
        coerce=int,
        error_messages=required(_("어느 기업의 이름으로 신고하는지 골라 주십시오.")),
    )
    reported_company = forms.TypedChoiceField(
        label=_("신고 대상 기업"), coerce=int, error_messages=required(_("신고 대상 기업을 골라 주십시오."))
    )
    description = _text(
        _("신고 내용"),
        _("신고 내용을 적어 주십시오."),
        help_text=_(
            "언제, 누가, 어떤 행위를 했는지 적어 주십시오. 신고 대상 기업과 지역센터는 이 신고를 볼 수 없습니다."
        ),
    )

    def __init__(self, *args, mine=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter_company"].choices = list(mine)
        self.fields["reported_company"].choices = [("", _("고르십시오")), *others]
        if len(mine) == 1:
            self.fields["reporter_company"].widget = forms.HiddenInput()
            self.fields["reporter_company"].initial = mine[0][0]


class ConcludeForm(forms.Form):
    outcome = _text(_("처리 결과"), _("처리 결과를 적어 주십시오."), rows=3)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("종료 메모"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("종료 메모는 2,000자 이내로 적어 주십시오.")},
    )


class RatingForm(forms.Form):
    supplier = forms.TypedChoiceField(
        label=_("공급기업"), coerce=int, error_messages=required(_("평가할 공급기업을 골라 주십시오."))
    )
    score = _score(_("평점"))
    comment = _text(_("평가 의견"), "", rows=3, required_field=False)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = list(suppliers)
        if len(suppliers) == 1:
            self.fields["supplier"].widget = forms.HiddenInput()
            self.fields["supplier"].initial = suppliers[0][0]


class NextLevelForm(forms.Form):
    track = forms.TypedChoiceField(
        label=_("신청할 공고와 지원 유형"),
        coerce=int,
        help_text=_("접수 중인 공고 가운데 이 과제보다 높은 수준의 지원 유형입니다."),
        error_messages=required(_("신청할 공고와 지원 유형을 골라 주십시오.")),
    )

    def __init__(self, *args, tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [
            ("", _("고르십시오")),
            *[(t.pk, f"[{t.call.reference}] {t.call.title_ko} — {t.display_name}") for t in tracks],
        ]
