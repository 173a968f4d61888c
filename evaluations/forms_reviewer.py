"""Forms of the reviewer's pages: the pledge, declared interests and the score sheet.

They only carry what was typed: the rules (a comment below the threshold, points within the
maximum, the pledge agreed) live in `evaluations.services`, whose field problems the views put back
on these forms. Forms never save.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import BusinessNumberField, required
from organizations.models import Company

from .models import InterestKind


class PledgeForm(forms.Form):
    agree = forms.BooleanField(label=_("동의합니다"), required=False)


class SupplierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InterestForm(forms.Form):
    """A company the evaluator is related to: typed by business number, or picked among the
    registered suppliers (the part of the registry every signed-in user may browse)."""

    kind = forms.ChoiceField(
        label=_("관계 유형"),
        choices=InterestKind.choices,
        widget=forms.RadioSelect,
        error_messages=required(_("관계 유형을 선택해 주십시오.")),
    )
    business_number = BusinessNumberField(
        label=_("관련 기업의 사업자등록번호"),
        required=False,
        help_text=_("숫자 10자리, 예: 123-45-67890. 등록 공급기업이면 아래 목록에서 골라도 됩니다."),
    )
    supplier = SupplierChoiceField(
        label=_("또는 등록 공급기업에서 선택"),
        queryset=Company.objects.none(),
        required=False,
        empty_label=_("선택하지 않음"),
    )
    description = forms.CharField(
        label=_("내용"),
        required=False,
        max_length=200,
        help_text=_("예: 2024년까지 기술 자문 계약, 배우자 재직"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("내용은 200자 이내로 적어 주십시오.")},
    )

    def __init__(self, *args, suppliers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suppliers is not None:
            self.fields["supplier"].queryset = suppliers

    def clean(self):
        data = super().clean()
        number = data.get("business_number")
        picked = data.get("supplier")
        if "business_number" in self.errors:
            return data
        if not number and picked is None:
            self.add_error(
                "business_number",
                _("관계가 있는 기업의 사업자등록번호를 입력하거나 등록 공급기업 목록에서 골라 주십시오."),
            )
        elif number and picked is not None and picked.business_number != number:
            self.add_error(
                "supplier",
                _("사업자등록번호와 목록에서 고른 기업이 다릅니다. 둘 중 하나만 입력해 주십시오."),
            )
        return data


class InterestEndForm(forms.Form):
    reason = forms.CharField(label=_("종료 사유"), required=False, max_length=200)


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("회피 사유"),
        required=False,
        max_length=300,
        help_text=_("예: 신청 기업의 대표와 친족 관계입니다. 운영기관만 봅니다."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("회피 사유는 300자 이내로 적어 주십시오.")},
    )


def threshold_of(criterion, comment_below):
    """Points below which a comment is required (the same arithmetic as `rules.score_problems`)."""
    return Decimal(criterion.max_points) * Decimal(comment_below) / 100


def points_text(value):
    """Stored points as people write them: 18.00 → "18", 17.50 → "17.5"."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


class ScoreSheetForm(forms.Form):
    """One points input and one comment per criterion, then the overall comment.

    Points stay text here: `services.scores_save`/`scores_submit` judge them (numbers, range, two
    decimals, a comment below the threshold), so one set of rules answers the page and the API."""

    error_anchor = "sheet-problem"  # a refusal of the whole sheet is shown above the form

    overall_comment = forms.CharField(
        label=_("종합 의견"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("종합 의견은 4,000자 이내로 적어 주십시오.")},
    )

    def __init__(self, *args, criteria, comment_below, english=False, **kwargs):
        super().__init__(*args, **kwargs)
        overall = self.fields.pop("overall_comment")
        self.criteria = list(criteria)
        self.rows = []
        for c in self.criteria:
            name = c.name_en if english and c.name_en else c.name_ko
            threshold = threshold_of(c, comment_below)
            self.fields[f"points-{c.code}"] = forms.CharField(
                label=name,
                required=False,
                max_length=10,
                help_text=_("배점 %(max)s점, 가중치 %(weight)s. 소수 둘째 자리까지 입력할 수 있습니다.")
                % {"max": c.max_points, "weight": c.weight},
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
                ),
                error_messages={"max_length": _("점수는 숫자로 입력해 주십시오.")},
            )
            self.fields[f"comment-{c.code}"] = forms.CharField(
                label=_("%(name)s 의견") % {"name": name},
                required=False,
                max_length=4000,
                help_text=_("%(threshold)s점 미만(배점의 %(pct)s%% 미만)을 주면 의견을 꼭 적어 주십시오.")
                % {
                    "threshold": points_text(threshold.quantize(Decimal("0.01"))),
                    "pct": points_text(Decimal(comment_below)),
                },
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": _("의견은 4,000자 이내로 적어 주십시오.")},
            )
            self.rows.append((c, name, threshold))
        self.fields["overall_comment"] = overall

    def criterion_rows(self):
        """(criterion, points bound field, comment bound field) for the template, in rubric order."""
        return [(c, self[f"points-{c.code}"], self[f"comment-{c.code}"]) for c, _n, _t in self.rows]

    def payload(self):
        """The service's arguments from what was posted (cleaned or not: nothing is dropped)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        points, comments = {}, {}
        for c in self.criteria:
            raw = data.get(f"points-{c.code}", self.data.get(f"points-{c.code}", ""))
            points[c.code] = (raw or "").strip().replace(" ", "")
            comments[c.code] = data.get(f"comment-{c.code}", self.data.get(f"comment-{c.code}", "")) or ""
        overall = data.get("overall_comment", self.data.get("overall_comment", "")) or ""
        return {"points": points, "comments": comments, "overall_comment": overall}

    def add_service_problems(self, exc):
        """The service's per-criterion problems onto the right field: a missing comment below the
        threshold onto the comment box, everything else onto the points input."""
        blockers = list(getattr(exc, "blockers", []) or [])
        if not blockers:
            self.add_error(None, str(exc.message))
            return
        by_code = {c.code: (name, t) for c, name, t in self.rows}
        payload = self.payload()
        for code, message in blockers:
            if code not in by_code:
                self.add_error(None, str(message))
                continue
            name, threshold = by_code[code]
            field = f"points-{code}"
            try:
                value = Decimal(payload["points"][code])
            except ArithmeticError:
                value = None
            if (
                value is not None
                and value.is_finite()
                and 0 <= value < threshold
                and not payload["comments"][code].strip()
            ):
                field = f"comment-{code}"
            # Named, so the summary's list tells the criteria apart ("점수를 입력해 주십시오." ×5).
            self.add_error(field, f"{name}: {message}")
