from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def ensure_admin():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_generated_password_is_printed_once_and_logs_in(client, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    first = ensure_admin()
    password = first.split("shown this once: ")[1].split()[0]
    assert len(password) >= 12
    second = ensure_admin()
    assert password not in second and "exists" in second
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_superuser
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_password_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "长城-Great-Wall-2026")
    assert "generated" not in ensure_admin()
    answer = client.post(
        "/admin/login/", {"username": "admin", "password": "长城-Great-Wall-2026"}
    )
    assert answer.status_code == 302
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "another-password-2026")
    assert "Set the password" in ensure_admin()
    assert (
        get_user_model()
        .objects.get(username="admin")
        .check_password("another-password-2026")
    )
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_empty_password_variable_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", " ")
    with pytest.raises(CommandError, match="set but empty"):
        ensure_admin()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_wrong_password_does_not_log_in(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "the-right-password-1")
    ensure_admin()
    response = client.post(
        "/admin/login/", {"username": "admin", "password": "wrong"}, follow=True
    )
    assert not response.wsgi_request.user.is_authenticated
