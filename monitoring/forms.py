"""Forms of the project pages. They turn what people type into values and never save: the views pass
`cleaned_data` to `monitoring.services`, whose refusals come back as the error summary."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.forms import LocalizedModelChoiceField, WonField, required
from organizations.models import Region
from organizations.uploads import CheckedFileField
from programs.forms_operator import TextDateField

from .models import ProjectStatus, ReporterRole
from .services import IMAGE_KINDS


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("상태"), required=False)
    region = LocalizedModelChoiceField(label=_("소재 지역"), queryset=Region.objects.all(), required=False)
    call = forms.ModelChoiceField(label=_("공고"), queryset=None, required=False)

    def __init__(self, *args, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("전체")), *ProjectStatus.choices]
        self.fields["region"].empty_label = _("전체")
        self.fields["call"].queryset = calls
        self.fields["call"].empty_label = _("전체")
        self.fields["call"].label_from_instance = lambda c: f"[{c.reference}] {c.title_ko}"

    def apply(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["region"]:
            qs = qs.filter(region=data["region"])
        if data["call"]:
            qs = qs.filter(call=data["call"])
        return qs


class ProjectCreateForm(forms.Form):
    starts_on = TextDateField(
        label=_("수행 시작일"),
        help_text=_("예: 2027. 1. 4. 수행 기간은 사업계획서의 개월 수만큼입니다."),
        error_messages=required(_("수행 시작일을 입력해 주십시오.")),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("변경 사유"),
        max_length=2000,
        help_text=_("모든 당사자가 새 차수의 협약에 다시 동의해야 합니다. 그때까지 지금 협약이 유효합니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            **required(_("협약을 변경하는 사유를 적어 주십시오.")),
            "max_length": _("변경 사유는 2,000자 이내로 적어 주십시오."),
        },
    )


class PaidForm(forms.Form):
    paid_on = TextDateField(
        label=_("지급일"),
        help_text=_("예: 2027. 1. 15."),
        error_messages=required(_("지급일을 입력해 주십시오.")),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MilestoneForm(forms.Form):
    name = forms.CharField(
        label=_("마일스톤"),
        max_length=120,
        help_text=_("예: MES 설치 완료"),
        error_messages={
            **required(_("마일스톤 이름을 입력해 주십시오.")),
            "max_length": _("마일스톤 이름은 120자 이내로 적어 주십시오."),
        },
    )
    planned_on = TextDateField(
        label=_("예정일"),
        help_text=_("수행 기간 안의 날짜. 예: 2027. 3. 15."),
        error_messages=required(_("예정일을 입력해 주십시오.")),
    )
    done_on = TextDateField(label=_("완료일"), required=False, help_text=_("완료했으면 그 날짜"))
    order = forms.IntegerField(
        label=_("순서"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "w-2"}),
        error_messages={
            "invalid": _("순서는 숫자로 입력해 주십시오."),
            "min_value": _("순서는 0 이상이어야 합니다."),
            "max_value": _("순서는 999 이하여야 합니다."),
        },
    )

    def changes(self):
        data = dict(self.cleaned_data)
        data["order"] = data.get("order") or 0
        return data


class ProgressReportForm(forms.Form):
    reporter_role = forms.ChoiceField(
        label=_("보고 주체"), error_messages=required(_("보고 주체를 고르십시오."))
    )
    period_end = TextDateField(
        label=_("보고 기간 종료일"),
        help_text=_("수행 기간 안, 오늘이나 그 이전. 예: 2027. 1. 31."),
        error_messages=required(_("보고 기간 종료일을 입력해 주십시오.")),
    )
    percent_complete = forms.IntegerField(
        label=_("진척률(%)"),
        min_value=0,
        max_value=100,
        help_text=_("0~100. 직전 보고보다 낮을 수 없습니다."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "w-2"}),
        error_messages={
            **required(_("진척률을 입력해 주십시오.")),
            "invalid": _("진척률은 숫자로 입력해 주십시오."),
            "min_value": _("진척률은 0~100 사이의 정수로 입력해 주십시오."),
            "max_value": _("진척률은 0~100 사이의 정수로 입력해 주십시오."),
        },
    )
    spent = WonField(
        label=_("누적 집행액(원)"),
        help_text=_("수행 시작부터 지금까지 집행한 금액. 예: 12,000,000"),
        error_messages=required(_("누적 집행액을 입력해 주십시오.")),
    )
    work_done = forms.CharField(
        label=_("수행 내용"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            **required(_("이번 기간에 수행한 내용을 적어 주십시오.")),
            "max_length": _("수행 내용은 4,000자 이내로 적어 주십시오."),
        },
    )
    issues = forms.CharField(
        label=_("문제점·지원 요청"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("문제점·지원 요청은 4,000자 이내로 적어 주십시오.")},
    )
    evidence = CheckedFileField(label=_("증빙 파일"), required=False)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter_role"].choices = [(r, ReporterRole(r).label) for r in roles]
        if len(roles) == 1:
            self.fields["reporter_role"].initial = roles[0]


class SiteVisitForm(forms.Form):
    visited_on = TextDateField(
        label=_("방문일"),
        help_text=_("수행 기간 안, 오늘이나 그 이전. 예: 2027. 1. 20."),
        error_messages=required(_("방문일을 입력해 주십시오.")),
    )
    findings = forms.CharField(
        label=_("확인 내용"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            **required(_("현장에서 확인한 내용을 적어 주십시오.")),
            "max_length": _("확인 내용은 4,000자 이내로 적어 주십시오."),
        },
    )
    follow_up = forms.CharField(
        label=_("후속 조치"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("후속 조치는 4,000자 이내로 적어 주십시오.")},
    )
    follow_up_due = TextDateField(
        label=_("후속 조치 기한"), required=False, help_text=_("후속 조치를 적었으면 필수. 방문일 이후.")
    )
    photo = CheckedFileField(label=_("현장 사진"), required=False, kinds=IMAGE_KINDS)
