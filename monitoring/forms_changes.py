"""Forms of the change-request pages. They turn what people type into values and never save: the
views pass them to monitoring.changes, whose refusals come back as the error summary."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organizations.forms import required
from organizations.uploads import CheckedFileField
from programs.forms_operator import TextDateField

from .models import ChangeKind

KIND_FIELDS = {
    ChangeKind.EXTENSION: ("ends_on",),
    ChangeKind.SUPPLIER: ("supplier", "replaces"),
    ChangeKind.ADDRESS: ("postcode", "address", "address_detail"),
    ChangeKind.CEO: ("ceo_name",),
    ChangeKind.BANK: ("bank_name", "account_number", "account_holder"),
    ChangeKind.OTHER: ("description",),
}


def _text(label, max_length, **kwargs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={
            "max_length": format_lazy(
                _("{label}은(는) {max}자 이내로 입력해 주십시오."), label=label, max=max_length
            )
        },
        **kwargs,
    )


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("변경 유형"),
        choices=[("", _("고르십시오")), *ChangeKind.choices],
        help_text=_(
            "공급기업·공장 주소 변경, 1개월을 넘는 기간 연장, 기타 변경은 운영기관의 승인을 받습니다. "
            "대표자·입금 계좌 변경과 1개월 이내의 기간 연장은 기록하는 즉시 반영됩니다."
        ),
        error_messages=required(_("변경 유형을 고르십시오.")),
    )
    ends_on = TextDateField(
        label=_("새 수행 종료일"), required=False, help_text=_("수행 기간 연장일 때. 예: 2027. 8. 31.")
    )
    supplier = forms.ModelChoiceField(
        label=_("새 공급기업"),
        queryset=None,
        required=False,
        help_text=_("공급기업 변경일 때. SFMS에 등록된 공급기업 중에서 고릅니다."),
        error_messages={"invalid_choice": _("목록에 있는 공급기업을 고르십시오.")},
    )
    replaces = forms.TypedChoiceField(
        label=_("교체할 공급기업"), coerce=int, required=False, empty_value=None
    )
    postcode = _text(_("우편번호"), 5, help_text=_("공장 주소 변경일 때. 숫자 5자리"))
    address = _text(_("새 공장 주소"), 200, help_text=_("공장 주소 변경일 때"))
    address_detail = _text(_("상세주소"), 200)
    ceo_name = _text(_("새 대표자명"), 60, help_text=_("대표자 변경일 때"))
    bank_name = _text(_("은행명"), 40, help_text=_("입금 계좌 변경일 때"))
    account_number = _text(
        _("계좌번호"), 30, help_text=_("숫자 10~16자리, 붙임표(-) 허용. 예: 123-456-789012")
    )
    account_holder = _text(_("예금주"), 60)
    description = _text(
        _("변경 내용"), 2000, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("기타 변경일 때")
    )
    reason = forms.CharField(
        label=_("변경 사유"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            **required(_("변경이 필요한 사유를 적어 주십시오.")),
            "max_length": _("변경 사유는 2,000자 이내로 적어 주십시오."),
        },
    )
    evidence = CheckedFileField(label=_("증빙 파일"), required=False)

    def __init__(self, *args, suppliers=None, current_suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
        self.fields["supplier"].empty_label = _("고르십시오")
        self.fields["supplier"].label_from_instance = lambda s: s.company.name
        if len(current_suppliers) > 1:
            self.fields["replaces"].choices = [("", _("고르십시오")), *current_suppliers]
        else:
            del self.fields["replaces"]

    def values(self):
        """The new values of the chosen kind, for monitoring.changes."""
        data = self.cleaned_data
        values = {}
        for name in KIND_FIELDS.get(data["kind"], ()):
            if name not in self.fields:
                continue
            value = data.get(name)
            if name == "supplier":
                value = value.pk if value is not None else None
            if value not in (None, ""):
                values[name] = value
        return values


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("처리 의견"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("반려할 때는 필수입니다. 주관 도입기업이 봅니다."),
        error_messages={"max_length": _("처리 의견은 2,000자 이내로 적어 주십시오.")},
    )
