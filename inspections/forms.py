"""Forms of the inspection pages. They turn what people type into values and never save: the views
pass `cleaned_data` to `inspections.services`, whose refusals come back as the error summary."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import required
from organizations.uploads import CheckedFileField
from programs.forms_operator import TextDateField

from .models import InspectionResult, Progress

ACTION_ROWS = 3


def _text(label, message, rows=3, **kwargs):
    return forms.CharField(
        label=label,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={**required(message), "max_length": _("4,000자 이내로 적어 주십시오.")},
        **kwargs,
    )


class ActionRowsMixin:
    """Up to three (text, due date) rows: action_1, action_1_due, ..."""

    def _add_action_rows(self, label, due_label):
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("%(label)s %(n)s") % {"label": label, "n": n},
                required=False,
                max_length=4000,
                error_messages={"max_length": _("4,000자 이내로 적어 주십시오.")},
            )
            self.fields[f"action_{n}_due"] = TextDateField(
                label=_("%(label)s %(n)s 기한") % {"label": due_label, "n": n},
                required=False,
                help_text=_("예: 2027. 5. 31."),
            )

    def actions(self):
        rows = []
        for n in range(1, ACTION_ROWS + 1):
            text, due = self.cleaned_data.get(f"action_{n}") or "", self.cleaned_data.get(f"action_{n}_due")
            if text.strip() or due is not None:
                rows.append((text, due))
        return rows


class InterimCheckForm(ActionRowsMixin, forms.Form):
    checked_on = TextDateField(
        label=_("점검일"),
        help_text=_("수행 기간의 30~70% 시점, 오늘이나 그 이전. 예: 2027. 3. 10."),
        error_messages=required(_("점검일을 입력해 주십시오.")),
    )
    findings = _text(_("점검 내용"), _("점검에서 확인한 내용을 적어 주십시오."), rows=4)
    progress = forms.ChoiceField(
        label=_("진행 판단"),
        choices=[("", _("고르십시오")), *Progress.choices],
        error_messages=required(_("진행 판단을 고르십시오.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_action_rows(_("후속 조치"), _("후속 조치"))


class AppointForm(forms.Form):
    inspector = forms.ChoiceField(
        label=_("감리 점검자"), error_messages=required(_("감리 점검자를 고르십시오."))
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(user.pk): user for user, _kind, _ev in candidates}
        self.fields["inspector"].choices = [("", _("고르십시오"))] + [
            (str(user.pk), self.label_for(user, kind, ev)) for user, kind, ev in candidates
        ]
        self.fields["inspector"].help_text = _(
            "운영기관 평가위원 풀의 전문가나 기관 담당자. 주관 도입기업·공급기업 소속은 지정할 수 없습니다."
        )

    @staticmethod
    def label_for(user, kind, evaluator):
        if evaluator is not None:
            return f"{evaluator.name} · {_('평가위원')} · {evaluator.affiliation_name}"
        return f"{user.full_name} · {_('기관 담당자')}"

    def user(self):
        return self.users.get(self.cleaned_data["inspector"])


class ChecklistItemForm(forms.Form):
    checked = forms.BooleanField(label=_("확인함"), required=False)
    note = forms.CharField(
        label=_("점검 의견"),
        required=False,
        max_length=4000,
        help_text=_("확인하지 못했으면 그 이유를 적습니다."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("4,000자 이내로 적어 주십시오.")},
    )
    evidence = CheckedFileField(label=_("증빙 파일"), required=False)


class ResultForm(ActionRowsMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("점검 결과"),
        choices=[("", _("고르십시오")), *InspectionResult.choices],
        error_messages=required(_("점검 결과를 고르십시오.")),
    )
    note = forms.CharField(
        label=_("결과 의견·불합격 사유"),
        required=False,
        max_length=4000,
        help_text=_("불합격이면 사유를 꼭 적습니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("4,000자 이내로 적어 주십시오.")},
    )
    supplier_score = forms.TypedChoiceField(
        label=_("공급기업 평점"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("고르십시오")), *((n, str(n)) for n in range(5, 0, -1))],
        help_text=_("5점이 가장 좋습니다. 공급기업 평가에 반영됩니다."),
    )
    supplier_comment = forms.CharField(
        label=_("공급기업 평가 의견"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("4,000자 이내로 적어 주십시오.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_action_rows(_("시정 조치"), _("시정 조치"))
        self.order_fields(
            ["result", "note"]
            + [f for n in range(1, ACTION_ROWS + 1) for f in (f"action_{n}", f"action_{n}_due")]
        )


class PlanForm(forms.Form):
    plan = _text(_("조치 계획"), _("조치 계획을 적어 주십시오."))


class ReportForm(forms.Form):
    result = _text(_("조치 결과"), _("조치 결과를 적어 주십시오."))


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("점검자 의견"),
        required=False,
        max_length=4000,
        help_text=_("보완을 요청하면 꼭 적습니다."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("4,000자 이내로 적어 주십시오.")},
    )
