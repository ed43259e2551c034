from html.parser import HTMLParser
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


class FormFields(HTMLParser):
    """What a browser submits from an unchanged form: text inputs, checked boxes
    and radios, selected options, textareas."""

    def __init__(self):
        super().__init__()
        self.data = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.data.append(
                    (
                        name,
                        attrs.get(
                            "value", "on" if kind in ("checkbox", "radio") else ""
                        ),
                    )
                )
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, text = self.data.pop()
            self.data.append((name, text + data))


def submitted(html):
    parser = FormFields()
    parser.feed(html)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.django_db
def test_the_admins_account_settings_save_right_away(client, monkeypatch):
    """The first save of the account page, as a browser sends it unchanged, after
    `ensure_admin` (Wagtail requires the first name, last name and email)."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "the-right-password-1")
    for variable in ("CMS_ADMIN_FIRST_NAME", "CMS_ADMIN_LAST_NAME", "CMS_ADMIN_EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    ensure_admin()
    client.post(
        "/admin/login/", {"username": "admin", "password": "the-right-password-1"}
    )
    page = client.get("/admin/account/")
    assert page.status_code == 200
    form = submitted(page.content.decode())
    assert form["name_email-email"] == ["admin@localhost"]
    response = client.post("/admin/account/", form)
    assert response.status_code == 302, response.content.decode()
    admin = get_user_model().objects.get(username="admin")
    assert (admin.first_name, admin.last_name) == ("Site", "Administrator")


@pytest.mark.django_db
def test_name_and_email_from_the_environment_fill_only_what_is_missing(monkeypatch):
    monkeypatch.setenv("CMS_ADMIN_FIRST_NAME", "小明")
    monkeypatch.setenv("CMS_ADMIN_LAST_NAME", "王")
    monkeypatch.setenv("CMS_ADMIN_EMAIL", "office@zjsme.org.cn")
    User = get_user_model()
    User.objects.create_superuser("admin", email="", password="x", last_name="李")
    assert "Filled in the first_name, email" in ensure_admin()
    admin = User.objects.get(username="admin")
    assert (admin.first_name, admin.last_name, admin.email) == (
        "小明",
        "李",
        "office@zjsme.org.cn",
    )
    assert "exists" in ensure_admin()


@pytest.mark.django_db
def test_a_bad_admin_email_is_refused(monkeypatch):
    monkeypatch.setenv("CMS_ADMIN_EMAIL", "not an address")
    with pytest.raises(CommandError, match="CMS_ADMIN_EMAIL is not an email"):
        ensure_admin()
    assert not get_user_model().objects.exists()
