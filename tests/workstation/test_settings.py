"""Start-up checks, run as a new process with the environment a deployment would have."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k8#Vw2!pQz7@Lr4$Nt9^Hs6&Jb3*Xc1(Gm5)Fd0-Ye8_Ua2+Wo7=Ti4",
    "DJANGO_ALLOWED_HOSTS": "portal.example.edu.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.edu.cn",
    "DJANGO_HTTPS": "true",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.edu.cn:587",
    "FEEDBACK_ANONYMITY_KEY": "q3!Rv8@Zs1#Kt6$Wm2%Lx9^Pc4&Hn7*Bf5(Dj0)Gy3-Ue6_Ia1+Oo8=Ei2",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_deploy_check_warns_while_anonymity_hangs_on_the_secret_key():
    result = manage("check", "--deploy", **{**PRODUCTION, "FEEDBACK_ANONYMITY_KEY": ""})
    assert "feedback.W001" in result.stderr + result.stdout
    assert "FEEDBACK_ANONYMITY_KEY" in result.stderr + result.stdout


def test_a_secret_key_is_required_when_debug_is_off():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_only_postgresql_is_accepted():
    result = manage("check", **{**PRODUCTION, "DATABASE_URL": "mysql://root@127.0.0.1/workstation"})
    assert result.returncode != 0
    assert "DATABASE_URL must point to a PostgreSQL server" in result.stderr


def test_templates_are_read_once_per_process():
    """Django's cached loader keeps each parsed template: no file is read again per request."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, Loader)


@pytest.mark.django_db
def test_the_database_connection_compiles_no_query_on_the_fly():
    """PostgreSQL's JIT would spend 50 ms compiling a query over everyone that runs in a few."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
