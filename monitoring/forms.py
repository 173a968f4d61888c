"""Forms of the project pages. They turn what people type into values and never save: the views pass
`cleaned_data` to `monitoring.services`, whose refusals come back as the error summary."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.forms import LocalizedModelChoiceField, required
from organizations.models import Region
from programs.forms_operator import TextDateField

from .models import ProjectStatus


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
