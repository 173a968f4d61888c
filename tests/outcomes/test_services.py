"""Outcome services: indicators from the frozen submission (agreed baselines recorded), values
entered by the lead once per moment inside its window (completion from the final inspection,
one year from twelve months after the pass), corrections by the call's staff with a reason,
every value checked by monitoring.outcomes with a message per field and nothing saved when one is
wrong, computed rates and the weighted overall score."""

import datetime
from decimal import Decimal

import pytest

from organizations.errors import AccessDenied, Conflict
from organizations.models import AuditEvent, Notification, Role
from outcomes import services
from outcomes.models import OutcomeIndicator, OutcomeValue, Source
from tests import factories

from .conftest import YEAR_LATER, ids, passed, to_inspection

pytestmark = pytest.mark.django_db


def test_indicators_come_from_the_snapshot_kpis_and_the_standard_outcome_indicators(w):
    made = services.indicators_prepare(w.lead_user, w.project)
    codes = [(i.code, i.source, i.direction, i.weight) for i in made]
    assert codes[:3] == [
        ("defect_rate", Source.KPI, "lower", 1),
        ("utilisation", Source.KPI, "higher", 1),
        ("lead_time", Source.KPI, "lower", 1),
    ]
    # the standard outcome indicators the KPIs do not already cover, tracked with weight 0
    assert [c for c, *_ in codes[3:]] == [
        "productivity",
        "unit_cost",
        "on_time_delivery",
        "sales",
        "employment",
        "industrial_accidents",
    ]
    assert {s for _c, s, _d, wt in codes[3:]} == {Source.STANDARD} and {wt for *_x, wt in codes[3:]} == {0}
    defect = made[0]
    assert defect.target == Decimal("2.00")
    assert OutcomeValue.objects.get(indicator=defect, moment="baseline").value == Decimal("4.50")
    # idempotent
    assert [i.pk for i in services.indicators_prepare(w.staff, w.project)] == [i.pk for i in made]
    assert OutcomeIndicator.objects.filter(project=w.project).count() == 9
    assert AuditEvent.objects.filter(action="create", object_repr__contains="불량률").exists()


def test_a_custom_kpi_takes_its_direction_from_baseline_and_target():
    rows = services.plan_from_snapshot(
        {
            "kpis": [
                {"code": "custom", "name": "OEE", "unit": "%", "baseline": "60", "target": "75"},
                {"code": "custom", "name": "재작업", "unit": "건", "baseline": "9", "target": "3"},
            ]
        }
    )
    assert [(r[2], r[4]) for r in rows[:2]] == [("OEE", "higher"), ("재작업", "lower")]


def test_no_indicators_before_the_agreement_is_in_force(db):
    w = factories.make_project(in_force=False)
    with pytest.raises(Conflict):
        services.indicators_prepare(w.staff, w.project)


def test_completion_values_wait_for_the_final_inspection(w):
    k = ids(w.project) if services.indicators_prepare(w.lead_user, w.project) else {}
    with pytest.raises(Conflict) as exc:
        services.values_enter(w.lead_user, w.project, "completion", {k["defect_rate"]: "1.5"})
    assert "최종 점검" in str(exc.value.message)
    assert not OutcomeValue.objects.filter(moment="completion").exists()


def _completion(k, **extra):
    return {k["defect_rate"]: "1.5", k["utilisation"]: "88", k["lead_time"]: "3", **extra}


def test_the_lead_enters_completion_values_in_inspection_and_rates_are_computed(w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    saved = services.values_enter(
        w.lead_user,
        w.project,
        "completion",
        _completion(k, **{k["sales"]: "1,200,000,000"}),
        note="MES 보고서",
    )
    assert len(saved) == 4
    assert saved[0].entered_by == w.lead_user and saved[0].note == "MES 보고서"
    rows = {r.indicator.code: r for r in services.outcome_rows(services.project_indicators(w.project))}
    defect = rows["defect_rate"]
    # lower is better: (4.5 - 1.5) / (4.5 - 2.0) = 120 %; improvement (4.5 - 1.5) / 4.5 = 66.7 %
    assert (defect.achievement_completion, defect.improvement_completion) == (
        Decimal("120.0"),
        Decimal("66.7"),
    )
    lead_time = rows["lead_time"]
    assert lead_time.achievement_completion == Decimal("60.0")  # (4.5-3)/(4.5-2)
    assert rows["utilisation"].target_problem  # the factory's target is below its baseline
    assert rows["sales"].achievement_completion is None  # no baseline, no target
    scores = services.overall_scores(list(rows.values()))
    # each rate held to 0-100 first: defect 100, utilisation (88-4.5)/(2-4.5) < 0 → 0, lead time 60
    assert scores == {"completion": Decimal("53.3"), "one_year": None}
    assert AuditEvent.objects.filter(action="create", object_repr__contains="완료 시점").count() == 4
    assert Notification.objects.filter(recipient=w.staff, subject__contains="성과 입력").exists()


def test_one_wrong_value_refuses_them_all_with_a_message_per_field(w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    values = _completion(k, **{k["defect_rate"]: "150", k["employment"]: "12.5", k["sales"]: "abc"})
    values[k["lead_time"]] = ""
    with pytest.raises(services.OutcomeValuesInvalid) as exc:
        services.values_enter(w.lead_user, w.project, "completion", values)
    problems = exc.value.problems
    assert problems[k["defect_rate"]] == "불량률은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 150"
    assert problems[k["employment"]] == "고용은 소수 없이 정수로 입력해 주십시오. 입력한 값: 12.5"
    assert problems[k["sales"]] == "매출액은 숫자로 입력해 주십시오. 입력한 값: abc"
    assert problems[k["lead_time"]] == "리드타임의 값을 입력해 주십시오."
    assert k["utilisation"] not in problems
    assert not OutcomeValue.objects.filter(moment="completion").exists()
    assert dict(exc.value.blockers)[f"values.{k['sales']}"].startswith("매출액")


def test_the_lead_enters_a_value_once_and_staff_correct_it_with_a_reason(w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    services.values_enter(w.lead_user, w.project, "completion", _completion(k))
    with pytest.raises(services.OutcomeValuesInvalid) as exc:
        services.values_enter(w.lead_user, w.project, "completion", {k["defect_rate"]: "1.0"})
    assert "이미 입력했습니다" in exc.value.problems[k["defect_rate"]]
    with pytest.raises(services.OutcomeValuesInvalid) as exc:
        services.values_enter(w.staff, w.project, "completion", {k["defect_rate"]: "1.0"})
    assert exc.value.problems == {"reason": "값을 정정하는 사유를 적어 주십시오."}
    services.values_enter(
        w.staff, w.project, "completion", {k["defect_rate"]: "1.0"}, reason="측정 보고서 오기"
    )
    row = OutcomeValue.objects.get(indicator_id=k["defect_rate"], moment="completion")
    assert (row.value, row.entered_by) == (Decimal("1.00"), w.staff)
    event = AuditEvent.objects.filter(action="update", reason="측정 보고서 오기").get()
    assert "1.50" in str(event.before) and "1.00" in str(event.after)
    assert Notification.objects.filter(recipient=w.lead_user, subject__contains="정정").exists()
    # the lead may still add a standard indicator's value not entered yet
    services.values_enter(w.lead_user, w.project, "completion", {k["employment"]: "14"})


def test_others_may_not_enter_values(w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    for user in (w.supplier_user, factories.make_member(Role.SME_MEMBER, company=factories.make_company())):
        with pytest.raises(AccessDenied):
            services.values_enter(user, w.project, "completion", _completion(k))


def test_one_year_values_open_twelve_months_after_the_inspection_pass(w):
    services.indicators_prepare(w.lead_user, w.project)
    passed(w.project)
    k = ids(w.project)
    values = {k["defect_rate"]: "1.2", k["utilisation"]: "90", k["lead_time"]: "2.5"}
    with pytest.raises(Conflict) as exc:
        services.values_enter(
            w.lead_user, w.project, "one_year", values, today=YEAR_LATER - datetime.timedelta(days=1)
        )
    assert "2026-03-10부터" in str(exc.value.message)
    services.values_enter(w.lead_user, w.project, "one_year", values, today=YEAR_LATER)
    rows = services.outcome_rows(services.project_indicators(w.project))
    defect = next(r for r in rows if r.indicator.code == "defect_rate")
    assert defect.achievement_one_year == Decimal("132.0")  # (4.5-1.2)/(2.5)
    assert services.overall_scores(rows)["one_year"] == Decimal("60.0")  # (100 + 0 + 80) / 3


def test_baseline_values_of_standard_indicators_before_completion(w):
    services.indicators_prepare(w.lead_user, w.project)
    k = ids(w.project)
    services.values_enter(
        w.lead_user, w.project, "baseline", {k["employment"]: "12", k["sales"]: "900000000"}
    )
    assert OutcomeValue.objects.get(indicator_id=k["employment"], moment="baseline").value == 12
    # the agreed baseline of a KPI is the lead's no more
    with pytest.raises(services.OutcomeValuesInvalid):
        services.values_enter(w.lead_user, w.project, "baseline", {k["defect_rate"]: "5"})


def test_nothing_to_record_is_refused(w):
    services.indicators_prepare(w.lead_user, w.project)
    k = ids(w.project)
    with pytest.raises(Exception) as exc:
        services.values_enter(w.lead_user, w.project, "baseline", {k["employment"]: ""})
    assert exc.value.code == "no_values"


def test_the_dossier_entry_lists_every_indicator_with_its_values_and_rates(w):
    from outcomes import dossier

    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    services.values_enter(
        w.lead_user,
        w.project,
        "completion",
        {k["defect_rate"]: "1.5", k["utilisation"]: "88", k["lead_time"]: "3"},
    )
    [(name, content)] = dossier.entries(w.project)
    assert name == "outcomes/outcomes.csv"
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("지표,구분,방향")
    assert lines[1].startswith("불량률,협약 성과지표,낮을수록 좋음,%,1,2.00,4.50,,")
    assert "1.50," + w.lead_user.full_name in lines[1] and lines[1].endswith(",120.0,,66.7,")
    assert lines[-2:] == ["종합 달성도(완료),53.3", "종합 달성도(1년 후),"]
