"""200 applicants submit through the API in the last seconds before a deadline, against the live
server (real threads, real Postgres). The server stamps each request's arrival first thing
(sfms.middleware) and reports it in X-Received-At: every one that arrived before the deadline is
accepted, every one after it refused with a clear message, anything sent after it is refused, none
is lost and none is doubled (20 of them are double clicks: the same request twice at once)."""

import datetime
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from applications.models import Application, Submission
from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPLICANTS = 200
DOUBLE_CLICKS = 20
SPREAD = 1.5  # seconds either side of the deadline over which requests are sent
CLIENTS = 32  # concurrent connections (Postgres here allows 200 for every test run together)


def _applicants():
    operator = factories.make_operator()
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=1)
    factories.make_required_documents(call, kinds=("business_plan",), advancement=())
    track = factories.make_track(call, "basic")
    supplier = factories.make_supplier()
    rows = []
    for n in range(APPLICANTS):
        company = factories.make_company(f"마감기업{n}")
        user = factories.make_member(Role.SME_MEMBER, company=company)
        application = factories.make_application(track, company, user, supplier=supplier)
        rows.append((application.pk, Token.objects.create(user=user).key))
    return call, rows


def _post(url, token, key):
    request = urllib.request.Request(
        url,
        data=b"{}",
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers["X-Received-At"], json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["X-Received-At"], json.loads(error.read() or b"{}")


def test_two_hundred_submissions_around_the_deadline(live_server):
    call, rows = _applicants()
    deadline = timezone.now() + datetime.timedelta(seconds=SPREAD + 2)
    type(call).objects.filter(pk=call.pk).update(closes_at=deadline)
    start = deadline.timestamp() - SPREAD
    step = 2 * SPREAD / APPLICANTS
    plan = [(start + i * step, pk, token, f"burst-{pk}") for i, (pk, token) in enumerate(rows)]
    plan += [(at, pk, token, key) for at, pk, token, key in plan[:: APPLICANTS // DOUBLE_CLICKS]]
    results, lock = [], threading.Lock()

    def send(at, pk, token, key):
        time.sleep(max(0.0, at - time.time()))
        sent = time.time()
        status, received, body = _post(f"{live_server.url}/api/v1/applications/{pk}/submit/", token, key)
        with lock:
            results.append((sent, datetime.datetime.fromisoformat(received).timestamp(), pk, status, body))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for future in [pool.submit(send, *item) for item in sorted(plan)]:
            future.result()

    cutoff = deadline.timestamp()
    assert len(results) == len(plan), "every request answered"
    by_app, lags = {}, []
    for sent, received, pk, status, body in results:
        assert status in (200, 201, 409), (status, body)
        lags.append(received - sent)
        # The server's rule, by the arrival time it stamped first thing (and reports back):
        if received < cutoff:
            assert status in (200, 201), (
                f"arrived {cutoff - received:.3f}s before the deadline, refused: {body}"
            )
        elif status == 200:  # a double click arriving late: the answer is the submission made in time
            assert datetime.datetime.fromisoformat(body["submitted_at"]).timestamp() < cutoff, body
        else:
            assert status == 409, f"arrived {received - cutoff:.3f}s after the deadline, accepted: {body}"
            assert body["code"] == "call_closed" and "접수가 마감되었습니다" in body["message"], body
        # and as the applicant sees it: sent after the deadline is late whatever the server's load.
        if sent >= cutoff and status != 200:
            assert status == 409, f"sent {sent - cutoff:.3f}s after the deadline and accepted: {body}"
        by_app.setdefault(pk, []).append((status, body))

    accepted = {pk for pk, answers in by_app.items() if any(s in (200, 201) for s, _ in answers)}
    submissions = list(Submission.objects.filter(application__call=call))
    assert len(submissions) == len(accepted), "none lost, none doubled"
    assert len({s.application_id for s in submissions}) == len(submissions)
    assert all(s.submitted_at < deadline for s in submissions)
    receipts = {s.application_id: s.receipt_number for s in submissions}
    for pk, answers in by_app.items():
        for status, body in answers:
            if status in (200, 201):
                assert body["receipt_number"] == receipts[pk]
    refused = set(by_app) - accepted
    assert Application.objects.filter(pk__in=refused, status="draft").count() == len(refused)
    assert 0 < len(accepted) < APPLICANTS, "the burst straddled the deadline"
    lags.sort()
    print(
        f"\n{len(results)} requests: {len(accepted)} applications accepted, {len(refused)} refused; "
        f"{DOUBLE_CLICKS} double clicks made no second submission; send-to-arrival lag median "
        f"{lags[len(lags) // 2] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms"
    )
