"""Services of the programs app: permission, state table, validation, audit, follow-up work."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification, Region, Role
from programs import services
from programs.funding import FundingInputError
from programs.models import (
    Call,
    CallStatus,
    CallWatch,
    EligibilityRule,
    Funder,
    FundingQuote,
    SavedSearch,
    Track,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(operator):
    return factories.make_member(Role.OPERATOR_ADMIN, operator=operator)


@pytest.fixture
def foreign_admin(other_operator):
    return factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator)


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def programme(operator):
    return factories.make_programme(operator)


def _times(days_open=1, days_close=30):
    now = timezone.now().replace(second=0, microsecond=0)
    return now + datetime.timedelta(days=days_open), now + datetime.timedelta(days=days_close)


def _new_call(actor, programme, **extra):
    opens, closes = _times()
    fields = dict(
        title_ko="2026년 스마트공장 공고",
        body_ko="내용",
        opens_at=opens,
        closes_at=closes,
        total_budget=1_000_000_000,
    )
    fields.update(extra)
    return services.call_create(actor, programme=programme, **fields)


def _ready_call(operator, **extra):
    call = factories.make_call(operator, **extra)
    factories.make_track(call, "basic")
    return call


# --- programmes and calls ------------------------------------------------------------------------


def test_call_create_starts_as_draft_with_default_rules_reference_and_audit(admin, programme):
    call = _new_call(admin, programme, regions=Region.objects.filter(code="48"))
    assert call.status == CallStatus.DRAFT
    assert call.reference == f"2026-{programme.operator.code}-001"
    assert list(call.eligible_regions.values_list("code", flat=True)) == ["48"]
    assert EligibilityRule.objects.filter(call=call).count() == 7
    event = AuditEvent.objects.get(object_id=str(call.pk), content_type__model="call")
    assert (event.action, event.actor, event.operator_id) == ("create", admin, programme.operator_id)
    second = _new_call(admin, programme)
    assert second.reference == f"2026-{programme.operator.code}-002"


def test_foreign_operator_cannot_create_or_change_calls(foreign_admin, programme, operator):
    with pytest.raises(AccessDenied):
        _new_call(foreign_admin, programme)
    call = factories.make_call(operator)
    with pytest.raises(AccessDenied):
        services.call_update(foreign_admin, call, {"title_ko": "바뀐 제목"})
    call.refresh_from_db()
    assert call.title_ko != "바뀐 제목"
    assert not Call.objects.filter(title_ko="2026년 스마트공장 공고").exists()


@pytest.mark.parametrize("role", [Role.CENTRE_STAFF, Role.EVALUATOR])
def test_operator_side_roles_other_than_editors_cannot_create(operator, programme, role):
    user = factories.make_member(role, operator=operator)
    with pytest.raises(AccessDenied):
        _new_call(user, programme)


def test_sme_cannot_create_programme(sme, operator):
    with pytest.raises(AccessDenied):
        services.programme_create(
            sme, operator=operator, name_ko="x", programme_type="other", fiscal_year=2026, budget=1
        )


def test_call_dates_must_be_ordered(admin, programme):
    opens, closes = _times()
    with pytest.raises(DomainError) as err:
        _new_call(admin, programme, opens_at=closes, closes_at=opens)
    assert err.value.field == "closes_at"
    assert Call.objects.count() == 0


def test_negative_budget_is_refused(admin, programme):
    with pytest.raises(DomainError) as err:
        _new_call(admin, programme, total_budget=-1)
    assert err.value.field == "total_budget"


def test_published_call_only_allows_wording_and_later_deadline(admin, operator):
    call = _ready_call(operator, status=CallStatus.PUBLISHED)
    with pytest.raises(DomainError) as err:
        services.call_update(admin, call, {"total_budget": 5})
    assert err.value.code == "field_locked"
    with pytest.raises(Conflict):
        services.call_update(
            admin, call, {"closes_at": call.closes_at - datetime.timedelta(days=1)}, reason="x"
        )
    with pytest.raises(DomainError) as err:
        services.call_update(admin, call, {"closes_at": call.closes_at + datetime.timedelta(days=3)})
    assert err.value.field == "reason"
    later = call.closes_at + datetime.timedelta(days=3)
    services.call_update(admin, call, {"closes_at": later}, reason="접수 시스템 점검으로 연장")
    call.refresh_from_db()
    assert call.closes_at == later


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "open"),
        ("draft", "closed"),
        ("published", "evaluating"),
        ("open", "published"),
        ("closed", "open"),
        ("evaluating", "draft"),
        ("concluded", "cancelled"),
        ("cancelled", "published"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(admin, operator, start, target):
    call = _ready_call(operator, status=start)
    with pytest.raises(Conflict):
        services.call_set_state(admin, call, target, reason="사유")
    call.refresh_from_db()
    assert call.status == start
    assert not AuditEvent.objects.filter(action="transition").exists()


@pytest.mark.parametrize(("start", "target"), [("published", "open"), ("open", "closed")])
def test_people_cannot_open_or_close_by_hand(admin, operator, start, target):
    call = _ready_call(operator, status=start)
    allowed, reason = services.transition_allowed(call, target, actor=admin)
    assert not allowed
    assert "자동" in str(reason)
    with pytest.raises(Conflict):
        services.call_set_state(admin, call, target)


def test_publish_needs_a_valid_track_and_future_deadline(admin, operator):
    call = factories.make_call(operator)
    problems = services.publish_blockers(call)
    assert len(problems) == 1 and "트랙" in str(problems[0])
    with pytest.raises(Conflict):
        services.call_publish(admin, call)
    factories.make_track(call, "basic")
    call = services.call_publish(admin, call)
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    event = AuditEvent.objects.get(action="transition")
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "published"})


def test_cancel_needs_a_reason_and_tells_watchers(admin, operator, sme):
    call = _ready_call(operator, status=CallStatus.OPEN)
    services.call_watch(sme, call)
    with pytest.raises(DomainError) as err:
        services.call_cancel(admin, call, reason=" ")
    assert err.value.field == "reason"
    call = services.call_cancel(admin, call, reason="예산 재배정")
    assert (call.status, call.cancel_reason) == (CallStatus.CANCELLED, "예산 재배정")
    notification = Notification.objects.get(recipient=sme)
    assert "취소" in notification.subject and "예산 재배정" in notification.body


def test_clone_copies_terms_and_moves_dates_a_year(admin, operator):
    source = factories.make_call(operator, status=CallStatus.CONCLUDED)
    source.eligible_regions.set(["47"])
    factories.make_track(
        source,
        "advanced",
        funders=(("central_government", "0.5", 200_000_000, "0.7"),),
        bonus_regions=["47", "46"],
    )
    copy = services.call_clone(admin, source)
    assert copy.status == CallStatus.DRAFT
    assert copy.cloned_from == source
    assert copy.opens_at.year == source.opens_at.year + 1
    assert copy.closes_at - copy.opens_at == source.closes_at - source.opens_at
    track = copy.tracks.get()
    assert sorted(track.bonus_regions.values_list("code", flat=True)) == ["46", "47"]
    funder = track.funders.get()
    assert (funder.rate, funder.cap, funder.bonus_rate) == (Decimal("0.5"), 200_000_000, Decimal("0.7"))
    assert list(copy.eligible_regions.values_list("code", flat=True)) == ["47"]
    assert copy.reference != source.reference


def test_shift_year_handles_leap_day():
    leap = datetime.datetime(2028, 2, 29, 9, tzinfo=datetime.UTC)
    assert services._shift_year(leap, 1) == datetime.datetime(2029, 2, 28, 9, tzinfo=datetime.UTC)


# --- templates, rules, quotes --------------------------------------------------------------------


def test_template_over_100_percent_is_refused_whole(admin, operator):
    call = factories.make_call(operator)
    track = factories.make_track(call, "basic")
    rows = [
        {"role": "central_government", "rate": Decimal("0.6"), "cap": None},
        {"role": "province", "rate": Decimal("0.5"), "cap": None},
    ]
    with pytest.raises(FundingInputError) as err:
        services.track_set_funders(admin, track, rows)
    assert "100%" in str(err.value.message)
    assert list(track.funders.values_list("rate", flat=True)) == [Decimal("0.5")]


def test_template_change_after_publishing_needs_reason_and_recomputes_quotes(
    admin, operator, company, sme, django_capture_on_commit_callbacks
):
    call = factories.make_call(operator, status=CallStatus.OPEN)
    track = factories.make_track(call, "basic")
    stored = services.funding_quote_save(sme, track=track, company=company, total_cost=80_000_000)
    assert (stored.sme_share, stored.shares[0]["amount"]) == (40_000_000, 40_000_000)
    rows = [{"role": "central_government", "rate": Decimal("0.6"), "cap": 50_000_000}]
    with pytest.raises(DomainError) as err:
        services.track_set_funders(admin, track, rows)
    assert err.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.track_set_funders(admin, track, rows, reason="2026년 변경 고시 반영")
    assert len(callbacks) == 1
    track.refresh_from_db()
    assert track.template_version == 2
    assert services.recompute_call_quotes(call.pk) == 1
    assert services.recompute_call_quotes(call.pk) == 0  # idempotent
    stored.refresh_from_db()
    assert (stored.template_version, stored.shares[0]["amount"], stored.sme_share) == (
        2,
        48_000_000,
        32_000_000,
    )
    revision = stored.revisions.get()
    assert (revision.old_sme_share, revision.new_sme_share) == (40_000_000, 32_000_000)
    assert revision.old_shares[0]["amount"] == 40_000_000


def test_quote_uses_bonus_region_of_the_track(operator):
    call = factories.make_call(operator)
    track = factories.make_track(
        call, "advanced", funders=(("central_government", "0.5", 200_000_000, "0.7"),), bonus_regions=["47"]
    )
    inside = services.quote(track, 250_000_000, region_code="47")
    outside = services.quote(track, 250_000_000, region_code="41")
    assert (inside.lines[0].amount, inside.sme_share) == (175_000_000, 75_000_000)
    assert (outside.lines[0].amount, outside.sme_share) == (125_000_000, 125_000_000)


def test_quote_save_only_for_own_company(operator, other_company, sme):
    call = factories.make_call(operator, status=CallStatus.OPEN)
    track = factories.make_track(call, "basic")
    with pytest.raises(AccessDenied):
        services.funding_quote_save(sme, track=track, company=other_company, total_cost=1_000_000)
    assert FundingQuote.objects.count() == 0


def test_rule_params_validated_and_draft_only(admin, operator):
    call = factories.make_call(operator)
    rule = services.eligibility_rule_save(admin, call, kind="no_duplicate_support", params={"years": 2})
    assert rule.params["years"] == 2
    with pytest.raises(DomainError):
        services.eligibility_rule_save(admin, call, kind="no_duplicate_support", params={"years": -1})
    with pytest.raises(DomainError):
        services.eligibility_rule_save(admin, call, kind="no_such_rule", params={})
    other_track = factories.make_track(factories.make_call(operator), "basic")
    with pytest.raises(DomainError) as err:
        services.eligibility_rule_save(admin, call, kind="production_facility", params={}, track=other_track)
    assert err.value.field == "track"
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    call.refresh_from_db()
    with pytest.raises(Conflict):
        services.eligibility_rule_save(admin, call, rule=rule, params={"years": 5})
    rule.refresh_from_db()
    assert rule.params["years"] == 2


def test_track_edits_only_in_draft(admin, operator):
    call = factories.make_call(operator, status=CallStatus.PUBLISHED)
    track = factories.make_track(call, "basic")
    with pytest.raises(Conflict):
        services.track_update(admin, track, {"max_duration_months": 3})
    with pytest.raises(Conflict):
        services.track_delete(admin, track)
    assert Track.objects.filter(pk=track.pk).exists()


def test_track_create_with_funders_and_audit(admin, operator):
    call = factories.make_call(operator)
    track = services.track_create(
        admin,
        call,
        level="intermediate_1",
        funders=[{"role": "central_government", "rate": Decimal("0.5"), "cap": 100_000_000}],
    )
    assert list(Funder.objects.filter(track=track).values_list("role", "cap")) == [
        ("central_government", 100_000_000)
    ]
    assert AuditEvent.objects.filter(content_type__model="track", object_id=str(track.pk)).count() == 2


# --- self-diagnosis, searches, watches, reminders -------------------------------------------


def test_saved_search_alerts_once_per_matching_call(admin, operator, sme):
    search = services.saved_search_create(
        sme, name="경남 기초", criteria={"region": "48", "level": "basic", "x": "1"}
    )
    assert search.criteria == {"region": "48", "level": "basic"}
    services.saved_search_create(sme, name="고도", criteria={"level": "advanced"})
    matching = _ready_call(operator, status=CallStatus.PUBLISHED)
    assert services.alert_saved_searches(matching.pk) == 1
    assert services.alert_saved_searches(matching.pk) == 0
    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert len(subjects) == 1 and "경남 기초" in subjects[0]
    outside = factories.make_call(operator, status=CallStatus.PUBLISHED)
    outside.eligible_regions.set(["11"])
    factories.make_track(outside, "basic")
    assert services.alert_saved_searches(outside.pk) == 0
    draft = _ready_call(operator)
    assert services.alert_saved_searches(draft.pk) == 0
    assert SavedSearch.objects.get(pk=search.pk).alerted_call_ids == [matching.pk]


def test_deadline_reminders_seven_days_and_one_day_each_once(operator, sme):
    call = _ready_call(operator, status=CallStatus.OPEN)
    services.call_watch(sme, call)
    services.call_watch(sme, call)  # watching twice is still one watch
    assert CallWatch.objects.count() == 1
    closes = call.closes_at
    assert services.send_deadline_reminders(now=closes - datetime.timedelta(days=8)) == 0
    assert services.send_deadline_reminders(now=closes - datetime.timedelta(days=6, hours=23)) == 1
    assert services.send_deadline_reminders(now=closes - datetime.timedelta(days=6)) == 0
    assert services.send_deadline_reminders(now=closes - datetime.timedelta(hours=20)) == 1
    assert services.send_deadline_reminders(now=closes - datetime.timedelta(hours=2)) == 0
    assert services.send_deadline_reminders(now=closes + datetime.timedelta(minutes=1)) == 0
    subjects = list(Notification.objects.order_by("pk").values_list("subject", flat=True))
    assert ["7일 전" in subjects[0], "1일 전" in subjects[1]] == [True, True]


def test_reminder_in_users_language(operator):
    user = factories.make_user(preferred_language="en")
    call = _ready_call(operator, status=CallStatus.OPEN, closes_in_days=2)
    services.call_watch(user, call)
    assert services.send_deadline_reminders() == 1
    notification = Notification.objects.get()
    assert call.title_en in notification.subject


def test_anonymous_cannot_watch_or_save(operator):
    from django.contrib.auth.models import AnonymousUser

    call = _ready_call(operator, status=CallStatus.OPEN)
    with pytest.raises(AccessDenied):
        services.call_watch(AnonymousUser(), call)
    with pytest.raises(AccessDenied):
        services.saved_search_create(AnonymousUser(), name="x", criteria={})


def test_draft_call_cannot_be_watched_by_outsiders(operator, sme):
    call = _ready_call(operator)
    with pytest.raises(AccessDenied):
        services.call_watch(sme, call)


def test_self_diagnosis_only_by_the_companys_sme_member(company, other_company, sme):
    from programs.diagnosis import QUESTIONS

    answers = {q.code: q.choices[-1].value for q in QUESTIONS}
    record = services.self_diagnosis_submit(sme, company, answers)
    assert (record.score, record.estimated_level) == (100, "advanced")
    with pytest.raises(AccessDenied):
        services.self_diagnosis_submit(sme, other_company, answers)
    with pytest.raises(DomainError):
        services.self_diagnosis_submit(sme, company, {})
