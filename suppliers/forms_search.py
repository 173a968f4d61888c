"""The edge of supplier search and comparison, shared by the pages and the API: how the search
form looks, which ids a comparison asks for (and why a selection is refused), and small pure
summaries both show (scale bands of past cases, cases by sector, the counts behind a rating).

Nothing here writes; nothing here decides who sees what (callers pass querysets already scoped
with `visible_to(user)`).
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import SmartFactoryLevel
from organizations.pages import filter_form
from organizations.templatetags.sfms_format import lname

MIN_COMPARE = 2
MAX_COMPARE = 4
MAX_ID = 2**63 - 1
TOP_SOLUTIONS = 3
LEVEL_ORDER = [code for code, _label in SmartFactoryLevel.choices]

# Past-case scale bands (whole won): where a supplier's experience lies, for cards and comparison.
SCALE_BANDS = (
    ("under_100m", _("1억 원 미만"), 0, 100_000_000),
    ("100m_300m", _("1억~3억 원"), 100_000_000, 300_000_000),
    ("300m_500m", _("3억~5억 원"), 300_000_000, 500_000_000),
    ("500m_plus", _("5억 원 이상"), 500_000_000, None),
)


# --- the search form -------------------------------------------------------------------------------

# Hints shown under the filters that need one.
HINTS = {
    "q": _("기업명, 솔루션, 구축 사례에서 찾습니다. 한 글자·두 글자 단어도 찾습니다. 예: 용접, 센서, 품질"),
    "scale_min": _("구축 사례의 사업 규모(원)입니다. 예: 100,000,000"),
    "scale_max": _("구축 사례의 사업 규모(원)입니다. 예: 300,000,000"),
    "min_rating": _("0.00~5.00점"),
    "sort": _("기본 정렬은 검색어가 있으면 관련도순, 없으면 평점순입니다."),
}
WIDTHS = {"scale_min": "w-20ch", "scale_max": "w-20ch", "min_rating": "w-8ch"}


class WonTextInput(forms.TextInput):
    """Whole won shown with thousands separators, whether it comes back as a number or as digits."""

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        if isinstance(value, str) and value.isdigit() and len(value) <= 16:
            return f"{int(value):,}"
        return super().format_value(value)


def search_form(filterset):
    """The shared filter look, plus the hints and widths this search needs."""
    filter_form(filterset)
    fields = filterset.form.fields
    for name, hint in HINTS.items():
        if name in fields and not fields[name].help_text:
            fields[name].help_text = hint
    for name, width in WIDTHS.items():
        if name in fields:
            # A text box, not type=number: "100,000,000" is typed with commas (GOV.UK advice).
            widget = forms.TextInput if name == "min_rating" else WonTextInput
            fields[name].widget = widget(
                attrs={
                    "class": width,
                    "inputmode": "decimal" if name == "min_rating" else "numeric",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            )
    if "q" in fields:
        fields["q"].widget.attrs.setdefault("autocomplete", "off")
    return filterset


def next_level(level):
    """The level after `level` (none → basic → … → advanced); None after advanced."""
    if level not in LEVEL_ORDER:
        return None
    position = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[position + 1] if position + 1 < len(LEVEL_ORDER) else None


# --- comparison ------------------------------------------------------------------------------------


@dataclass
class Selection:
    """The suppliers a comparison asked for, in the order asked, or the reasons it cannot be shown."""

    ids: list = field(default_factory=list)
    profiles: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def parse_ids(values):
    """ "1,2,3" (or several values) → ([1, 2, 3], [bad pieces]); duplicates dropped, order kept."""
    ids, bad = [], []
    for value in values:
        for piece in str(value).replace(" ", ",").split(","):
            piece = piece.strip()
            if not piece:
                continue
            if not piece.isdigit() or not 1 <= int(piece) <= MAX_ID:
                bad.append(piece[:20])
                continue
            if int(piece) not in ids:
                ids.append(int(piece))
    return ids, bad


def compare_selection(values, queryset):
    """Resolve a comparison's ids inside `queryset` (registered suppliers the user may see).

    Missing, foreign and unregistered ids read the same: "cannot be compared", never which."""
    ids, bad = parse_ids(values)
    selection = Selection(ids=ids)
    if bad:
        selection.errors.append(
            _("공급기업 번호는 숫자로 입력해 주십시오. 잘못된 값: %(values)s") % {"values": ", ".join(bad)}
        )
    if len(ids) > MAX_COMPARE:
        selection.errors.append(
            _("한 번에 최대 %(max)d곳까지 비교할 수 있습니다. %(count)d곳을 골랐습니다.")
            % {"max": MAX_COMPARE, "count": len(ids)}
        )
        return selection
    found = {p.pk: p for p in queryset.filter(pk__in=ids)} if ids else {}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        selection.errors.append(
            _("비교할 수 없는 공급기업 번호입니다: %(ids)s. 등록된 공급기업만 비교할 수 있습니다.")
            % {"ids": ", ".join(str(pk) for pk in missing)}
        )
    if len(ids) < MIN_COMPARE and not bad:
        selection.errors.append(
            _("비교할 공급기업을 %(min)d곳 이상 골라 주십시오. 최대 %(max)d곳까지 비교할 수 있습니다.")
            % {"min": MIN_COMPARE, "max": MAX_COMPARE}
        )
    if selection.ok:
        selection.profiles = [found[pk] for pk in ids]
    return selection


# --- summaries shown on cards, profiles and the comparison ---------------------------------------------


def top_solutions(profile, limit=TOP_SOLUTIONS):
    """The first few solutions (prefetched), for a result card."""
    return list(profile.solutions.all())[:limit]


def scale_range(profile):
    """(smallest, largest) past-case amount in won, or (None, None) with no cases. Uses the search's
    annotations when present, else the prefetched cases."""
    if hasattr(profile, "scale_min") and hasattr(profile, "scale_max"):
        return profile.scale_min, profile.scale_max
    amounts = [case.amount for case in profile.cases.all()]
    return (min(amounts), max(amounts)) if amounts else (None, None)


def rating_counts(basis):
    """How many records stand behind a rating: {"assessments", "sme_reviews", "inspections"}."""
    components = (basis or {}).get("components", {})
    return {
        "assessments": components.get("assessment", {}).get("count", 0),
        "sme_reviews": components.get("reviews", {}).get("count", 0),
        "inspections": components.get("inspections", {}).get("count", 0),
    }


def scale_band(amount):
    for code, label, low, high in SCALE_BANDS:
        if amount >= low and (high is None or amount < high):
            return code, label
    return SCALE_BANDS[0][:2]


def cases_by_scale(profile):
    """[(band code, label, count)] for every band, in band order (prefetched cases)."""
    counts = {code: 0 for code, *_rest in SCALE_BANDS}
    for case in profile.cases.all():
        counts[scale_band(case.amount)[0]] += 1
    return [(code, label, counts[code]) for code, label, *_rest in SCALE_BANDS]


def cases_by_sector(profile):
    """[(KSIC code or None, sector name, count)], most cases first (prefetched cases)."""
    counts, names = {}, {}
    for case in profile.cases.all():
        code = case.client_sector_id
        counts[code] = counts.get(code, 0) + 1
        names[code] = lname(case.client_sector) if case.client_sector_id else str(_("업종 미기재"))
    return sorted(
        ((code, names[code], n) for code, n in counts.items()),
        key=lambda row: (-row[2], row[0] is None, row[0] or ""),
    )


class CompareAddForm(forms.Form):
    """One supplier to put on (or take off) the comparison list kept in the session."""

    supplier = forms.IntegerField(min_value=1, max_value=MAX_ID)
    next = forms.CharField(required=False, max_length=2000)
