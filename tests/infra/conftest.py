"""Fixtures for the infrastructure tests: a real Celery worker process on its own Redis database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings

from sfms.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
# A Redis database of its own, so neither the dev worker (db 0) nor other test runs take our tasks.
TEST_BROKER_URL = settings.SFMS_TEST_CELERY_BROKER_URL
WORKER_READY_TIMEOUT = 30


def database_url(db_settings):
    """A DATABASE_URL for the database Django is connected to (the test database once it exists)."""
    user = quote(db_settings.get("USER") or "")
    password = db_settings.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = db_settings.get("HOST") or "127.0.0.1"
    port = f":{db_settings['PORT']}" if db_settings.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db_settings['NAME']}"


def _reset_publisher(app):
    """Drop the app's cached broker connections so the next publish uses the current broker_url."""
    if app._pool is not None:
        with contextlib.suppress(Exception):
            app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    # kombu keeps producer pools in a process-wide registry keyed by connection; a pool closed
    # above would be handed out again to the next worker module's first publish.
    from kombu import pools

    pools.reset()


@contextlib.contextmanager
def celery_app_broker(url):
    """Make this process publish to `url` (the settings were read before the test could choose)."""
    app_conf = celery_app.conf
    saved = (app_conf.broker_url, app_conf.result_backend)
    _reset_publisher(celery_app)
    app_conf.broker_url = url
    app_conf.result_backend = url
    try:
        yield
    finally:
        _reset_publisher(celery_app)
        app_conf.broker_url, app_conf.result_backend = saved


class WorkerProcess:
    def __init__(self, proc, log_path, mail_dir):
        self.proc = proc
        self.log_path = log_path
        self.mail_dir = mail_dir

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def mail_messages(self):
        """The messages the worker's file-based mail backend wrote (one file per connection)."""
        import email
        import email.policy

        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
        return messages

    def stop(self, timeout=20):
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def spawn_worker(tmp):
    """Start `celery -A sfms worker` on the test database and the test broker; return it once ready."""
    mail_dir = tmp / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    log_path = tmp / f"worker-{uuid.uuid4().hex[:6]}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sfms.settings.test",  # its MAILERS honour DJANGO_EMAIL_BACKEND
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "DATABASE_CONN_MAX_AGE": "0",  # no idle connection left to block the test database's flush/drop
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "CELERY_RESULT_BACKEND": TEST_BROKER_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    celery_bin = Path(sys.executable).with_name("celery")
    command = [
        str(celery_bin),
        "-A",
        "sfms",
        "worker",
        "--pool=solo",
        "--queues=celery",
        "--loglevel=info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname=sfms-test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    worker = WorkerProcess(proc, log_path, mail_dir)
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    while " ready." not in worker.log():
        if proc.poll() is not None:
            pytest.fail(f"Celery worker exited with {proc.returncode}:\n{worker.log()}")
        if time.monotonic() > deadline:
            worker.stop()
            pytest.fail(f"Celery worker not ready after {WORKER_READY_TIMEOUT}s:\n{worker.log()}")
        time.sleep(0.1)
    return worker


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, tmp_path_factory):
    """A real `celery -A sfms worker` on the test database and a Redis database of its own."""
    broker = redis.Redis.from_url(TEST_BROKER_URL)
    try:
        broker.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not running at {TEST_BROKER_URL} (run scripts/services.sh up)")
    broker.flushdb()  # leftovers of an earlier interrupted run

    worker = spawn_worker(tmp_path_factory.mktemp("celery-worker"))
    try:
        with celery_app_broker(TEST_BROKER_URL):
            yield worker
    finally:
        worker.stop()
        broker.flushdb()
        broker.close()
