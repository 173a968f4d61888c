"""The budget is never over-committed when selections run at the same time: 50 threads, each with
its own PostgreSQL connection, select different ranked submissions at once through
services.decide, which locks the call's row before it adds up what is already committed. Then two
staff members race, round after round, for the last slot of the budget: exactly one wins each time.

Real transactions (each decision commits on its own), as in tests/applications/test_deadline_burst.py:
serialized rollback brings the reference data back for the tests after these."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.utils import timezone

from evaluations import rules
from evaluations import services as ev
from evaluations.models import Decision, DecisionStatus, StageKind, StageResult
from organizations.errors import Conflict
from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBMISSIONS = 60
THREADS = 50
# Three project sizes: government share 50% of 60M, 80M or 100M (30M, 40M, 50M).
SIZES = (60_000_000, 80_000_000, 100_000_000)


@pytest.fixture(scope="module", autouse=True)
def _content_types_as_migrations_made(django_db_setup, django_db_blocker):
    """Lets serialized rollback work whatever ran before this module.

    Serialized rollback reloads the rows migrations made, content types included, under their
    first ids. A transactional test without it (the browser tests sort before this folder) ends
    with a flush after which Django makes the content types again under new ids, and reloading the
    first ones then fails on their unique name. When that has happened, the recreated content types
    (and what hangs off them: permissions; every other table is empty after a flush) are emptied,
    so the reload puts back exactly what migrations made. Module scope: it runs before the
    database fixture of the first test here; between these tests the ids stay as they were."""
    with django_db_blocker.unblock():
        if _content_types_recreated():
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE django_content_type CASCADE")
            ContentType.objects.clear_cache()


def _content_types_recreated():
    data = getattr(connection, "_test_serialized_contents", None)
    if not data:
        return False
    first = {
        (row["fields"]["app_label"], row["fields"]["model"]): row["pk"]
        for row in json.loads(data)
        if row["model"] == "contenttypes.contenttype"
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model, id FROM django_content_type")
        now = {(app, model): pk for app, model, pk in cursor.fetchall()}
    return any(now.get(key, pk) != pk for key, pk in first.items())


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Submitting queues eligibility runs and e-mails on commit. The factory runs eligibility itself
    and nothing here reads the mail, so nothing is published to the shared test broker."""
    monkeypatch.setattr("sfms.tasks._publish", lambda task, kwargs: None)


def _ranked_call(count, *, budget, planned):
    """A call with `count` submissions that passed the technical evaluation, ranked in one track.
    Built in one transaction (one commit instead of one per statement), committed before the race."""
    with transaction.atomic():
        return _build(count, budget=budget, planned=planned)


def _build(count, *, budget, planned):
    operator = factories.make_operator()
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    call = factories.make_call(
        operator, status="open", opens_in_days=-1, closes_in_days=10, total_budget=budget
    )
    factories.make_required_documents(call, kinds=("business_plan",), advancement=())
    track = factories.make_track(call, "basic", projects_planned=planned)
    plan = ev.plan_set_up(staff, call, stages=[StageKind.TECHNICAL, StageKind.DELIBERATION])
    stage = plan.stages.get(kind=StageKind.TECHNICAL)
    supplier = factories.make_supplier()
    submissions = []
    for n in range(count):
        total = SIZES[n % len(SIZES)]
        submissions.append(
            factories.make_submitted(
                track,
                supplier=supplier,
                total_cost=total,
                budget_software=40_000_000 - (100_000_000 - total),
            )
        )
    # Results written directly (the decision reads them through selectors.final_result): scoring
    # 60 submissions through the services is tested elsewhere and would only slow this down.
    now = timezone.now()
    StageResult.objects.bulk_create(
        StageResult(
            stage=stage,
            submission=s,
            track=track,
            reviewer_count=3,
            total=Decimal(90) - Decimal(n) / 4,
            passed=True,
            rank=n + 1,
            computed_at=now,
        )
        for n, s in enumerate(submissions)
    )
    return operator, staff, call, plan, submissions


def _race(pairs):
    """Run decide(staff, plan, submission, selected) for every (staff, plan, submission) at once."""
    barrier = threading.Barrier(len(pairs), timeout=60)

    def one(staff, plan, submission):
        try:
            barrier.wait()
            try:
                decision = ev.decide(staff, plan, submission, status=DecisionStatus.SELECTED)
                return ("selected", submission.pk, decision.government_share)
            except Conflict as refused:
                return ("refused", submission.pk, refused.code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        return [f.result() for f in [pool.submit(one, *p) for p in pairs]]


def _government_share(submission):
    return rules.government_share(submission.snapshot["shares"]["lines"])


def test_budget_never_exceeded_under_50_concurrent_selections():
    budget = 777_000_000  # room for some 20 of the 60; 50 try at once
    _operator, staff, _call, plan, submissions = _ranked_call(SUBMISSIONS, budget=budget, planned=SUBMISSIONS)
    shares = {s.pk: _government_share(s) for s in submissions}
    assert sorted(set(shares.values())) == [30_000_000, 40_000_000, 50_000_000]
    assert sum(shares.values()) > 2 * budget

    outcomes = _race([(staff, plan, s) for s in submissions[:THREADS]])

    selected = {pk: share for kind, pk, share in outcomes if kind == "selected"}
    refused = {pk: code for kind, pk, code in outcomes if kind == "refused"}
    assert len(selected) + len(refused) == THREADS
    assert set(refused.values()) == {"over_budget"}, refused
    assert selected and refused
    committed = sum(selected.values())
    assert committed <= budget
    assert {pk: shares[pk] for pk in selected} == selected
    # In the database: exactly the winners, each with its share, and nothing else.
    rows = dict(Decision.objects.filter(plan=plan).values_list("submission_id", "government_share"))
    assert rows == selected
    assert set(Decision.objects.values_list("status", flat=True)) == {"selected"}
    # Every refusal was needed: what was committed in the end leaves no room for it.
    assert all(committed + shares[pk] > budget for pk in refused)
    print(
        f"\n{THREADS} concurrent selections: {len(selected)} selected for {committed:,} of {budget:,} won, "
        f"{len(refused)} refused over budget"
    )


def test_the_track_planned_count_holds_under_concurrent_selections():
    _operator, staff, _call, plan, submissions = _ranked_call(15, budget=10_000_000_000, planned=5)
    outcomes = _race([(staff, plan, s) for s in submissions])
    kinds = [kind for kind, _pk, _x in outcomes]
    assert kinds.count("selected") == 5 and kinds.count("refused") == 10
    assert {code for kind, _pk, code in outcomes if kind == "refused"} == {"track_full"}
    assert Decision.objects.filter(plan=plan, status="selected").count() == 5


def test_two_staff_members_racing_for_the_last_slot_one_wins():
    operator, first_staff, call, plan, submissions = _ranked_call(12, budget=0, planned=100)
    second_staff = factories.make_member(Role.OPERATOR_ADMIN, operator=operator)
    shares = {s.pk: _government_share(s) for s in submissions}
    committed = 0
    for rounds, (a, b) in enumerate(zip(submissions[0::2], submissions[1::2], strict=True), start=1):
        # Exactly one more slot: room for the larger of the two, not for both.
        budget = committed + max(shares[a.pk], shares[b.pk])
        type(call).objects.filter(pk=call.pk).update(total_budget=budget)
        outcomes = _race([(first_staff, plan, a), (second_staff, plan, b)])
        winners = [(pk, share) for kind, pk, share in outcomes if kind == "selected"]
        losers = [code for kind, _pk, code in outcomes if kind == "refused"]
        if len(winners) == 2:  # the room never holds both
            pytest.fail(f"round {rounds}: both selected, budget over-committed: {outcomes}")
        assert len(winners) == 1 and losers == ["over_budget"], outcomes
        committed += winners[0][1]
        selected = Decision.objects.filter(plan=plan, status="selected")
        assert sum(selected.values_list("government_share", flat=True)) == committed <= budget
    assert Decision.objects.filter(plan=plan).count() == 6
