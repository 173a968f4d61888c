"""docker-compose.yml, Dockerfile and the Procfiles: no Docker engine here, so parse them and check that
the services, commands, variables and health checks make sense, and that the settings they select load."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from honcho.environ import parse_procfile

REPO = Path(__file__).resolve().parents[2]
APP_SERVICES = {"migrate", "web", "worker", "beat"}
VAR = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value, env):
    """Docker Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} interpolation (enough for this file)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        name, kind, arg = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name}: {arg}")
        return arg or ""

    return VAR.sub(replace, value).replace("$$", "$")


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose(raw):
    return interpolate(raw, {"DJANGO_SECRET_KEY": "compose-test-secret-key-0123456789-abcdefghijklmnop"})


def command_words(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def test_services_exist_with_the_right_images(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", *APP_SERVICES}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name


def test_secret_key_is_required(raw):
    with pytest.raises(KeyError, match="DJANGO_SECRET_KEY"):
        interpolate(raw, {})


def test_commands_are_sane(compose):
    services = compose["services"]
    assert command_words(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    web = command_words(services["web"])
    assert web[:2] == ["gunicorn", "sfms.wsgi:application"]
    assert "--bind=0.0.0.0:8000" in web
    assert command_words(services["worker"])[:4] == ["celery", "-A", "sfms", "worker"]
    assert command_words(services["beat"])[:4] == ["celery", "-A", "sfms", "beat"]
    assert services["web"]["ports"] == ["8000:8000"]


def test_app_environment(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "sfms.settings.prod", name
        for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            assert env.get(key), (name, key)
        assert env["DATABASE_URL"] == "postgres://sfms:sfms@postgres:5432/sfms"
        assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_ordering_volumes_and_healthchecks(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        if name != "migrate":
            assert depends["migrate"]["condition"] == "service_completed_successfully", name
        for dependency in depends:
            assert dependency in services
    assert services["migrate"]["restart"] == "no"
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "media:/app/media" in services["web"]["volumes"]
    assert "media:/app/media" in services["worker"]["volumes"]  # PDFs written by tasks are served by web
    declared = set(compose["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, volume


def test_web_healthcheck_script_is_valid_python(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "<healthcheck>", "exec")


def test_prod_settings_load_with_the_compose_environment(compose):
    """The variables compose passes produce the intended settings (run in a fresh interpreter)."""
    env = {k: str(v) for k, v in compose["services"]["web"]["environment"].items()}
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default']['HOST'], "
        "'name': s.DATABASES['default']['NAME'], 'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS, "
        "'media': str(s.MEDIA_ROOT)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "debug": False,
        "db": "postgres",
        "name": "sfms",
        "broker": "redis://redis:6379/0",
        "hosts": ["localhost", "127.0.0.1"],
        "media": "/app/media",
    }


def test_dockerfile():
    text = (REPO / "Dockerfile").read_text()
    assert re.findall(r"^FROM .*$", text, re.M) == ["FROM python:3.13-slim-bookworm"]
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in text, package
    assert "pyproject.toml" in text
    assert "collectstatic" in text
    assert re.search(r'^CMD \["gunicorn", "sfms\.wsgi:application"', text, re.M)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", ".run", ".git"} <= set(ignored)


@pytest.mark.parametrize("name", ["Procfile", "Procfile.dev"])
def test_procfiles(name):
    procfile = parse_procfile((REPO / name).read_text())
    assert {"web", "worker", "beat"} <= set(procfile.processes)
    assert re.search(r'celery"? -A sfms worker', procfile.processes["worker"])
    assert re.search(r'celery"? -A sfms beat', procfile.processes["beat"])


def test_run_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(REPO / "scripts" / "run.sh")], check=True)
    text = (REPO / "scripts" / "run.sh").read_text()
    assert "manage.py seed_demo" in text
    assert "collectstatic" in text
    assert 'honcho" start -f Procfile.dev' in text
