"""Change notifications (cms.delivery.webhooks): signing and verification, the
payload of each kind of change, delivery on the worker with retries and growing
delays, the log, and a publish that never waits for a receiver."""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cms.delivery import webhooks
from cms.delivery.models import WebhookDelivery, WebhookEndpoint
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories
from tests.delivery.servers import Recorder

pytestmark = pytest.mark.django_db

TASK = "cms.delivery.webhooks.deliver"


def endpoint(url, **fields):
    return WebhookEndpoint.objects.create(
        name="www", url=url, secret=webhooks.new_secret(), **fields
    )


def payloads(receiver, secret):
    """The verified payloads the receiver got, in order."""
    return [webhooks.verify(secret, r.headers, r.body) for r in receiver.requests]


# ------------------------------------------------------------------- signing


def test_a_signature_verifies_and_nothing_else_does():
    secret = webhooks.new_secret()
    body = json.dumps({"event": "published", "id": "1"}).encode()
    headers = webhooks.signed_headers([secret], "msg_1", body)
    assert headers["webhook-signature"].startswith("v1,")
    assert webhooks.verify(secret, headers, body) == {"event": "published", "id": "1"}

    with pytest.raises(webhooks.InvalidSignature, match="No signature"):
        webhooks.verify(secret, headers, body.replace(b"1", b"2"))
    with pytest.raises(webhooks.InvalidSignature, match="No signature"):
        webhooks.verify(webhooks.new_secret(), headers, body)
    old = webhooks.signed_headers([secret], "msg_1", body, int(time.time()) - 301)
    with pytest.raises(webhooks.InvalidSignature, match="replay window"):
        webhooks.verify(secret, old, body)
    # Within the window either way, and the id is signed too.
    recent = webhooks.signed_headers([secret], "msg_1", body, int(time.time()) - 290)
    assert webhooks.verify(secret, recent, body)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(secret, {**recent, "webhook-id": "msg_2"}, body)
    with pytest.raises(webhooks.InvalidSignature, match="Missing"):
        webhooks.verify(secret, {}, body)


def test_the_signature_is_standard_webhooks():
    """The example of the Standard Webhooks specification's reference tests."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        webhooks.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_after_a_rotation_both_secrets_sign_for_the_grace_period(settings):
    hook = endpoint("http://127.0.0.1:9/")
    old = hook.secret
    new = webhooks.rotate(hook)
    assert new != old and new.startswith("whsec_")
    body = b"{}"
    headers = webhooks.signed_headers(webhooks.signing_secrets(hook), "msg_1", body)
    assert webhooks.verify(old, headers, body) == {}
    assert webhooks.verify(new, headers, body) == {}
    settings.CMS_WEBHOOK_ROTATION_GRACE = 0
    assert webhooks.signing_secrets(hook) == [new]


# -------------------------------------------------------------- the worker


def test_a_failing_receiver_is_retried_later_each_time_until_it_answers(
    task_queue, django_capture_on_commit_callbacks
):
    with Recorder(statuses=(500, 503, 204)) as receiver:
        hook = endpoint(
            receiver.url, locales=["zh-hans"], types=["newsroom.newsarticlepage"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            article = factories.live_article(title="培训会")
        delays = []
        for _attempt in range(3):
            task_queue.run()
            row = DBTaskResult.objects.get(task_path=TASK)
            if row.status == "READY":  # waiting for its retry: make it due
                delays.append((row.run_after - timezone.now()).total_seconds())
                DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    assert len(receiver.requests) == 3
    # 10 s after the first failure, 20 s after the second (CMS_TASK_RETRY_DELAY).
    assert 8 < delays[0] <= 10 and 18 < delays[1] <= 20
    assert row.status == "SUCCESSFUL"
    # The same message each time (receivers drop repeats), signed afresh.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {
        WebhookDelivery.objects.get().message_id
    }
    [payload] = {json.dumps(p) for p in payloads(receiver, hook.secret)}
    assert json.loads(payload)["id"] == str(article.pk)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 3
    assert delivery.response_code == 204
    assert delivery.last_error == ""
    assert delivery.delivered_at is not None and delivery.response_ms is not None


def test_a_receiver_that_never_answers_ends_failed_in_the_log(
    task_queue, settings, django_capture_on_commit_callbacks
):
    settings.CMS_TASK_ATTEMPTS = 2
    with Recorder(statuses=(502,)) as receiver:
        endpoint(receiver.url, locales=["zh-hans"])
        with django_capture_on_commit_callbacks(execute=True):
            factories.SiteSettingsFactory()
        task_queue.run()
        assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.RETRYING
        DBTaskResult.objects.filter(task_path=TASK).update(run_after=timezone.now())
        task_queue.run()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2 and delivery.response_code == 502
    assert delivery.last_error.startswith("HTTP 502")
    # The task gave up: it is in the admin's failed-task report.
    assert DBTaskResult.objects.get(task_path=TASK).status == "FAILED"


def test_a_publish_returns_before_a_slow_receiver_is_called(
    task_queue, django_capture_on_commit_callbacks
):
    with Recorder(delay=1.0) as receiver:
        hook = endpoint(receiver.url, locales=["zh-hans"])
        page = factories.NewsArticlePageFactory(
            parent=NewsIndexPage.objects.get(locale__language_code="zh-hans"),
            title="会员大会",
            live=False,
        )
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        # Published, committed, its delivery only queued.
        assert NewsArticlePage.objects.get(pk=page.pk).live
        assert receiver.requests == []
        assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING
        assert task_queue.waiting().filter(task_path=TASK).count() == 1
        task_queue.run()
    [payload] = payloads(receiver, hook.secret)
    assert (payload["event"], payload["id"]) == ("published", str(page.pk))


def test_inactive_and_filtered_endpoints_get_nothing(
    django_capture_on_commit_callbacks,
):
    with Recorder() as receiver:
        endpoint(receiver.url, active=False)
        endpoint(receiver.url, locales=["en"])
        endpoint(receiver.url, types=["home.menu"])
        with django_capture_on_commit_callbacks(execute=True):
            factories.live_article(title="培训会")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_an_endpoint_switched_off_after_the_change_gets_nothing(
    task_queue, django_capture_on_commit_callbacks
):
    with Recorder() as receiver:
        hook = endpoint(receiver.url, locales=["zh-hans"])
        with django_capture_on_commit_callbacks(execute=True):
            factories.SiteSettingsFactory()
        WebhookEndpoint.objects.filter(pk=hook.pk).update(active=False)
        task_queue.run()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().attempts == 0


def test_old_log_rows_are_pruned(settings, django_capture_on_commit_callbacks):
    with Recorder() as receiver:
        hook = endpoint(receiver.url, locales=["zh-hans"])
        old = WebhookDelivery.objects.create(
            endpoint=hook, message_id="msg_old", event="saved", type="x", payload={}
        )
        WebhookDelivery.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )
        with django_capture_on_commit_callbacks(execute=True):
            factories.SiteSettingsFactory()
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()
    assert WebhookDelivery.objects.filter(status="delivered").count() == 1


# ------------------------------------------------------------ the payloads


@pytest.fixture
def received(django_capture_on_commit_callbacks):
    """Deliveries to an endpoint with no filters, sent at once (the test
    settings run tasks when they are queued); `take()` the verified payloads
    of what `action` did."""
    with Recorder() as receiver:
        hook = endpoint(receiver.url)

        def take(action):
            receiver.requests.clear()
            with django_capture_on_commit_callbacks(execute=True):
                action()
            return payloads(receiver, hook.secret)

        yield take


def test_publish_unpublish_and_delete_name_the_page_and_where_it_was(received):
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    created = []
    published = received(
        lambda: created.append(factories.live_article(title="培训会", slug="training"))
    )
    article = created[0]
    first = published[0]
    assert set(first) == {
        "event",
        "type",
        "model",
        "id",
        "locale",
        "paths",
        "urls",
        "keys",
        "timestamp",
    }
    path = f"/{section.slug}/training/"
    assert first["event"] == "published"
    assert first["type"] == "NewsArticlePage"
    assert first["model"] == "newsroom.newsarticlepage"
    assert (first["id"], first["locale"]) == (str(article.pk), "zh-hans")
    assert first["paths"] == [path]
    assert first["urls"] == [f"http://localhost/zh-hans{path}"]
    assert {
        f"page:{article.pk}",
        "list:newsroom.newsarticlepage:zh-hans",
        f"tk:{article.translation_key.hex}",
    } <= set(first["keys"])
    assert timezone.datetime.fromisoformat(first["timestamp"]) <= timezone.now()
    # The zh-hant edition follows, with its own locale and URL.
    assert [(p["event"], p["locale"]) for p in published[1:]] == [
        ("published", "zh-hant")
    ]

    # (the zh-hant edition follows each time: left out)
    unpublished = received(lambda: Page.objects.get(pk=article.pk).unpublish())
    assert [
        (p["event"], p["id"], p["paths"])
        for p in unpublished
        if p["locale"] == "zh-hans"
    ] == [("unpublished", str(article.pk), [path])]
    deleted = received(lambda: Page.objects.get(pk=article.pk).delete())
    assert [
        (p["event"], p["type"], p["paths"]) for p in deleted if p["locale"] == "zh-hans"
    ] == [("deleted", "NewsArticlePage", [path])]


def test_a_move_names_the_paths_before_and_after(received, settings):
    settings.CMS_PUBLIC_BASE_URLS = "zh-hans=https://www.example.org"
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    article = factories.live_article(title="培训会", slug="training")
    about = section.get_parent().get_children().exclude(pk=section.pk).first()
    moved = received(
        lambda: Page.objects.get(pk=section.pk).move(about, pos="last-child")
    )
    [payload] = [p for p in moved if p["event"] == "moved"]
    before = f"/{section.slug}/"
    after = f"/{about.slug}/{section.slug}/"
    assert payload["paths"] == [
        before,
        after,
        f"{before}training/",
        f"{after}training/",
    ]
    assert payload["urls"][:2] == [
        f"https://www.example.org{before}",
        f"https://www.example.org{after}",
    ]
    assert f"page:{article.pk}" in payload["keys"]


def test_snippets_settings_and_menus(received):
    [category] = received(lambda: factories.association_news(slug="hooks")["zh-hans"])[
        :1
    ]
    assert (category["event"], category["type"]) == ("saved", "NewsCategory")
    assert category["paths"] == [] and category["urls"] == []
    assert "list:newsroom.newscategory:zh-hans" in category["keys"]

    settings_payloads = received(factories.SiteSettingsFactory)
    assert {(p["type"], p["locale"]) for p in settings_payloads} >= {
        ("SiteSettings", "zh-hans")
    }
    menus = received(factories.MenuFactory)
    assert menus[0]["type"] == "Menu" and menus[0]["event"] == "saved"
    row = factories.MenuFactory._meta.model.objects.get(pk=menus[0]["id"])
    assert received(row.delete)[0]["event"] == "deleted"


def test_scheduled_go_live_and_expiry(received):
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = factories.NewsArticlePageFactory(
        parent=section, title="预告", slug="later", live=False
    )
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(seconds=5)
    revision.save()
    went_live = received(lambda: call_command("publish_scheduled"))
    assert [(p["event"], p["id"]) for p in went_live if p["locale"] == "zh-hans"] == [
        ("published", str(page.pk))
    ]
    NewsArticlePage.objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - timedelta(seconds=5)
    )
    expired = received(lambda: call_command("publish_scheduled"))
    assert [
        (p["event"], p["id"], p["paths"]) for p in expired if p["locale"] == "zh-hans"
    ] == [("unpublished", str(page.pk), [f"/{section.slug}/later/"])]
