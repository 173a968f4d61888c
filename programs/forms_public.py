"""Forms of the public programme pages: the live quote, saving a search, the self-diagnosis.

Forms never save: views pass `cleaned_data` to programs.services.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from organizations.forms import LocalizedModelChoiceField
from organizations.models import Region

from . import diagnosis
from .filters import CallFilter
from .models import FunderRole
from .services import SEARCH_KEYS

# Longer than any real amount (1조원 is 13 digits plus commas); stops megabyte query strings early.
COST_MAX_CHARS = 40


class CostField(forms.IntegerField):
    """Total project cost in whole won: accepts "300,000,000", "300 000 000" and "300000000원".
    Zero, negative and absurd amounts pass here and are refused by the calculator, which knows the
    bounds and says why."""

    default_error_messages = {
        "required": _("총 사업비를 입력해 주십시오. 예: 300,000,000"),
        "invalid": _("총 사업비는 원 단위 숫자로 입력해 주십시오. 예: 300,000,000"),
    }

    def to_python(self, value):
        if isinstance(value, str):
            if len(value) > COST_MAX_CHARS:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", "").replace(" ", "").removesuffix("원").strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs


class QuoteForm(forms.Form):
    """The live quote on a call page: a GET form, so it works without JavaScript."""

    track = forms.TypedChoiceField(
        label=_("지원 유형"),
        coerce=int,
        error_messages={
            "required": _("지원 유형을 선택해 주십시오."),
            "invalid_choice": _("이 공고의 지원 유형 중에서 선택해 주십시오."),
        },
    )
    cost = CostField(
        label=_("총 사업비(원)"),
        help_text=_("정부 지원금과 기업 부담금을 모두 합한 금액입니다. 예: 300,000,000"),
        widget=forms.TextInput(attrs={"class": "w-20ch"}),
    )
    region = LocalizedModelChoiceField(
        label=_("기업 소재 지역"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("선택하지 않음"),
        help_text=_("우대 지역이면 우대 비율과 한도가 적용됩니다."),
        error_messages={"invalid_choice": _("목록에 있는 지역을 선택해 주십시오.")},
    )
    large_firm = forms.BooleanField(label=_("대기업이 컨소시엄에 참여합니다(상생형)"), required=False)

    def __init__(self, data=None, *, tracks, show_large_firm=True, **kwargs):
        super().__init__(data, **kwargs)
        self.tracks = {track.pk: track for track in tracks}
        self.fields["track"].choices = [(track.pk, track.label) for track in tracks]
        if not show_large_firm:
            del self.fields["large_firm"]

    def clean_track(self):
        return self.tracks[self.cleaned_data["track"]]

    @property
    def consortium_roles(self):
        return {FunderRole.LARGE_FIRM} if self.cleaned_data.get("large_firm") else set()


def criteria_from_query(query):
    """The saved-search criteria in a list page's query string: only the keys the alert understands,
    checked with the same FilterSet as the page. Returns (criteria, filterset)."""
    data = QueryDict(query or "")
    filterset = CallFilter(data.dict(), queryset=None)
    criteria = {key: data.get(key).strip() for key in SEARCH_KEYS if (data.get(key) or "").strip()}
    return criteria, filterset


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("검색 이름"),
        max_length=80,
        help_text=_("나중에 알아보기 쉬운 이름을 붙여 주십시오. 예: 경북 기초 단계 공고"),
        error_messages={
            "required": _("저장할 검색의 이름을 입력해 주십시오."),
            "max_length": _("검색 이름은 80자 이내로 입력해 주십시오."),
        },
    )
    notify = forms.BooleanField(
        label=_("조건에 맞는 새 공고가 게시되면 이메일로 알려 주십시오"), required=False, initial=True
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_query(self):
        query = self.cleaned_data["query"]
        criteria, filterset = criteria_from_query(query)
        if not filterset.form.is_valid():
            raise forms.ValidationError(
                _("검색 조건이 올바르지 않습니다. 공고 목록에서 다시 검색한 뒤 저장해 주십시오."),
                code="invalid_query",
            )
        self.criteria = criteria
        return query

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name


class DiagnosisForm(forms.Form):
    """One radio group per question of `diagnosis.QUESTIONS`, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in diagnosis.QUESTIONS:
            self.fields[question.code] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=[(c.value, c.label) for c in question.choices],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("이 문항에 답해 주십시오: %(question)s") % {"question": question.text},
                    "invalid_choice": _("보기 중 하나를 골라 주십시오."),
                },
            )

    def areas(self):
        """[(area label, [bound fields])] in questionnaire order."""
        grouped = {}
        for question in diagnosis.QUESTIONS:
            grouped.setdefault(question.area, []).append(self[question.code])
        return [(diagnosis.AREAS[area], fields) for area, fields in grouped.items()]
