"""The outcomes part of a project's dossier (the zip for auditors): one CSV of the indicators with
their values at each moment, who entered them and when, and the rates computed from them."""

import csv
import io

from django.utils import timezone

from . import services
from .models import Moment, OutcomeIndicator, OutcomeValue

HEADER = [
    "지표",
    "구분",
    "방향",
    "단위",
    "가중치",
    "목표값",
    *(
        f"{label} {part}"
        for _m, label in Moment.choices
        for part in ("값", "입력자", "입력일시", "증빙 메모")
    ),
    "달성률(완료)",
    "달성률(1년 후)",
    "개선율(완료)",
    "개선율(1년 후)",
]


def _text(value):
    return "" if value is None else str(value)


def entries(project) -> list[tuple[str, bytes]]:
    """[("outcomes/outcomes.csv", bytes)]: UTF-8 with a BOM so spreadsheet programs read Korean."""
    from django.db.models import Prefetch

    values = OutcomeValue.objects.unrestricted().select_related("entered_by")
    indicators = (
        OutcomeIndicator.objects.unrestricted()
        .filter(project=project)
        .order_by("order")
        .prefetch_related(Prefetch("values", queryset=values))
    )
    rows = services.outcome_rows(indicators)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for r in rows:
        i = r.indicator
        cells = [i.name, i.get_source_display(), i.get_direction_display(), i.unit, i.weight, _text(i.target)]
        for moment in Moment.values:
            v = r.values.get(moment)
            if v is None:
                cells += ["", "", "", ""]
            else:
                who = v.entered_by.full_name if v.entered_by_id else ""
                cells += [v.value, who, timezone.localtime(v.entered_at).isoformat(), v.note]
        cells += [
            _text(r.achievement_completion),
            _text(r.achievement_one_year),
            _text(r.improvement_completion),
            _text(r.improvement_one_year),
        ]
        writer.writerow(cells)
    scores = services.overall_scores(rows)
    writer.writerow([])
    writer.writerow(["종합 달성도(완료)", _text(scores["completion"])])
    writer.writerow(["종합 달성도(1년 후)", _text(scores["one_year"])])
    return [("outcomes/outcomes.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))]
