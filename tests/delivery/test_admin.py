"""The admin of webhooks (cms.delivery.viewsets, views): Settings > Webhooks with
the secret shown once and rotated, the delivery log and its Redeliver button,
for users with the permissions, in Chinese."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cms.delivery import webhooks
from cms.delivery.models import WebhookDelivery, WebhookEndpoint
from tests.delivery.servers import Recorder

pytestmark = pytest.mark.django_db

URL = "/admin/webhooks/"
LOG = "/admin/reports/webhook-deliveries/"


def user_with(client, *codenames):
    """A logged-in admin user in a group with `codenames` of cms_delivery."""
    user = get_user_model().objects.create_user(f"u{len(codenames)}", password="pw")
    group = Group.objects.create(name=f"Webhooks {len(codenames)}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="cms_delivery", codename=codename
            )
        )
    user.groups.add(group)
    client.force_login(user)
    return user


def shown_secret(response):
    return re.search(r'value="(whsec_[^"]+)"', response.content.decode()).group(1)


def test_an_administrator_makes_an_endpoint_and_sees_its_secret_once(admin_client):
    form = admin_client.get(URL + "new/").content.decode()
    # Chinese labels (the admin's language is zh-hans).
    assert "内容类型" in form and "语言版本" in form
    response = admin_client.post(
        URL + "new/",
        {
            "name": "www.example.org",
            "url": "https://www.example.org/api/revalidate",
            "active": "on",
            "locales": ["zh-hans"],
            "types": ["newsroom.newsarticlepage"],
        },
    )
    assert response.status_code == 200
    assert "签名密钥" in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert shown_secret(response) == endpoint.secret
    assert endpoint.locales == ["zh-hans"]
    assert endpoint.types == ["newsroom.newsarticlepage"]
    listing = admin_client.get(URL).content.decode()
    edit = admin_client.get(f"{URL}edit/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in listing and endpoint.secret not in edit
    assert endpoint.secret_hint in listing
    assert "轮换密钥" in edit

    confirm = admin_client.get(f"{URL}rotate/{endpoint.pk}/")
    assert confirm.status_code == 200
    rotated = admin_client.post(f"{URL}rotate/{endpoint.pk}/")
    endpoint.refresh_from_db()
    assert shown_secret(rotated) == endpoint.secret
    assert endpoint.previous_secret and endpoint.previous_secret != endpoint.secret


def test_rotating_needs_the_change_permission(client):
    endpoint = WebhookEndpoint.objects.create(
        name="www", url="https://www.example.org/", secret=webhooks.new_secret()
    )
    user_with(client, "add_webhookendpoint")
    assert client.post(f"{URL}rotate/{endpoint.pk}/").status_code == 302  # refused
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_the_log_and_redeliver(client, task_queue):
    with Recorder(statuses=(500, 200)) as receiver:
        endpoint = WebhookEndpoint.objects.create(
            name="www", url=receiver.url, secret=webhooks.new_secret()
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id="msg_1",
            event="published",
            type="NewsArticlePage",
            object_id="7",
            locale="zh-hans",
            payload={"event": "published", "id": "7"},
        )
        webhooks.deliver.enqueue(delivery.pk)
        task_queue.run()
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.RETRYING

        # Without the permission: neither the log nor the button.
        user_with(client)
        assert client.get(LOG).status_code == 302
        assert client.post(f"{LOG}{delivery.pk}/redeliver/").status_code == 302
        client.logout()
        user_with(client, "view_webhookdelivery")
        log = client.get(LOG).content.decode()
        assert "投递记录" in log or "Webhook 投递" in log
        assert "HTTP 500" in log and "重试中" in log
        assert "重新投递" not in log
        assert client.post(f"{LOG}{delivery.pk}/redeliver/").status_code == 302
        assert task_queue.waiting().count() == 0  # the retry is not due yet

        client.logout()
        user_with(client, "view_webhookdelivery", "change_webhookdelivery")
        assert "重新投递" in client.get(LOG).content.decode()
        response = client.post(f"{LOG}{delivery.pk}/redeliver/")
        assert response.status_code == 302 and response.url == LOG
        task_queue.run()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 2 and delivery.response_code == 200
    assert [r.headers["webhook-id"] for r in receiver.requests] == ["msg_1"] * 2
