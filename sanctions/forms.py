"""Forms of the sanctions pages. They turn what people type into values and never save: the views
pass `cleaned_data` to `sanctions.services`, whose refusals come back as the error summary."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import Project, ProjectStatus
from organizations.forms import WonField, WonInput, required
from organizations.models import Company
from programs.forms_operator import TextDateField

from .models import ReasonKind


def _project_label(project):
    return f"{project.title} [{project.submission.receipt_number}] · {project.lead.name}"


def _projects(user, *, open_only=False):
    qs = Project.objects.run_by(user).select_related("lead", "submission").defer("submission__snapshot")
    if open_only:
        qs = qs.exclude(status__in=(ProjectStatus.CLOSED, ProjectStatus.ABANDONED))
    return qs.order_by("-created_at", "-pk")


class RestrictionForm(forms.Form):
    operator = forms.ModelChoiceField(
        label=_("처분 기관"), queryset=None, error_messages=required(_("처분 기관을 선택해 주십시오."))
    )
    business_number = forms.CharField(
        label=_("제한 대상 기업의 사업자등록번호"),
        max_length=20,
        help_text=_("도입기업이나 공급기업의 사업자등록번호입니다. 예: 123-45-67890"),
        error_messages=required(_("제한 대상 기업의 사업자등록번호를 입력해 주십시오.")),
    )
    project = forms.ModelChoiceField(label=_("관련 과제"), queryset=None, required=False)
    reason_kind = forms.ChoiceField(
        label=_("제한 사유 구분"),
        choices=ReasonKind.choices,
        error_messages=required(_("제한 사유 구분을 선택해 주십시오.")),
    )
    reason = forms.CharField(
        label=_("제한 사유"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "처분 기관과 대상 기업만 볼 수 있습니다. 다른 운영기관에는 제한 사실과 기간만 적용됩니다."
        ),
        error_messages=required(_("참여 제한 사유를 적어 주십시오.")),
    )
    starts_on = TextDateField(label=_("제한 시작일"), required=False, help_text=_("비우면 오늘부터입니다."))
    ends_on = TextDateField(
        label=_("제한 종료일"), required=False, help_text=_("비우면 시작일부터 3년(그 전날까지)입니다.")
    )

    def __init__(self, *args, user, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["operator"].queryset = operators
        self.fields["operator"].empty_label = None
        self.fields["operator"].label_from_instance = lambda o: o.name_ko
        if operators.count() == 1:
            self.fields["operator"].widget = forms.HiddenInput()
            self.initial.setdefault("operator", operators.first().pk)
        self.fields["project"].queryset = _projects(user)
        self.fields["project"].empty_label = _("없음")
        self.fields["project"].label_from_instance = _project_label

    def clean_business_number(self):
        digits = re.sub(r"\D", "", self.cleaned_data["business_number"])
        company = Company.objects.visible_to(self.user).filter(business_number=digits).first()
        if company is None:
            raise forms.ValidationError(
                _("이 사업자등록번호로 등록된 기업이 없습니다. 번호를 확인해 주십시오."), code="not_found"
            )
        self.company = company
        return digits


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("해제 사유"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required(_("해제 사유를 적어 주십시오.")),
    )


class AbandonForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("과제"),
        queryset=None,
        error_messages=required(_("중도 포기로 처리할 과제를 선택해 주십시오.")),
    )
    reason = forms.CharField(
        label=_("중도 포기 사유"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required(_("중도 포기 사유를 적어 주십시오.")),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = _projects(user, open_only=True)
        self.fields["project"].empty_label = _("선택")
        self.fields["project"].label_from_instance = _project_label


class OrderForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("과제"), queryset=None, error_messages=required(_("환수할 과제를 선택해 주십시오."))
    )
    amount = WonField(
        label=_("환수 금액(원)"),
        min_value=1,
        widget=WonInput(),
        help_text=_("지금까지 지급된 정부지원금(지급 완료 차수의 합)을 넘을 수 없습니다."),
        error_messages={
            "required": _("환수 금액을 입력해 주십시오."),
            "min_value": _("환수 금액은 1원 이상이어야 합니다."),
        },
    )
    due_on = TextDateField(label=_("납부 기한"), error_messages=required(_("납부 기한을 입력해 주십시오.")))
    reason = forms.CharField(
        label=_("환수 사유"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required(_("환수 사유를 적어 주십시오.")),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = _projects(user)
        self.fields["project"].empty_label = _("선택")
        self.fields["project"].label_from_instance = _project_label


class RepaymentForm(forms.Form):
    amount = WonField(
        label=_("납부액(원)"),
        min_value=1,
        widget=WonInput(),
        error_messages={
            "required": _("납부액을 입력해 주십시오."),
            "min_value": _("납부액은 1원 이상이어야 합니다."),
        },
    )
    paid_on = TextDateField(label=_("납부일"), error_messages=required(_("납부일을 입력해 주십시오.")))
    note = forms.CharField(label=_("비고"), max_length=200, required=False)
