"""Change notifications: a signed POST to each frontend's webhook for every
change readers can see (cms.delivery.changes), so a site can revalidate exactly
the paths and listings it affects.

The publish only queues: `notify` (a subscriber, after the commit) writes one
WebhookDelivery per active endpoint that wants the change and queues a
`deliver` task for each; the worker sends it with a short timeout
(CMS_WEBHOOK_TIMEOUT). A refused, failing, slow or unreachable endpoint is
retried by the worker (cms.worker.retries: CMS_TASK_ATTEMPTS attempts,
CMS_TASK_RETRY_DELAY seconds doubled after each), and never holds up an editor.

Signing follows Standard Webhooks (standardwebhooks.com), so its libraries
verify our deliveries: `webhook-id` (the delivery's id, the same on every
attempt: receivers drop repeats), `webhook-timestamp` (Unix seconds of the
attempt) and `webhook-signature`, `v1,<base64 HMAC-SHA256>` of
`{id}.{timestamp}.{body}` keyed with the secret's bytes (base64 after
`whsec_`); during a rotation's grace period the previous secret signs too, the
signatures separated by a space. Receivers reject timestamps more than
REPLAY_WINDOW seconds from their clock.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import timedelta

import requests
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .changes import subscribe, surrogate
from .models import WebhookDelivery, WebhookEndpoint

PREFIX = "whsec_"
REPLAY_WINDOW = 5 * 60  # seconds, either way
USER_AGENT = "cms-webhooks/1"


class DeliveryFailed(Exception):
    """The endpoint did not answer with 2xx: the worker tries again later."""


class InvalidSignature(Exception):
    """A delivery whose signature or timestamp does not hold."""


# ----------------------------------------------------------------- signing


def new_secret():
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret, message_id, timestamp, body):
    """`v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}` (body: bytes)."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets_, message_id, body, timestamp=None):
    """The headers of a delivery of `body` signed with each of `secrets_`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, body) for secret in secrets_
        ),
    }


def verify(secret, headers, body, tolerance=REPLAY_WINDOW):
    """The payload of a delivery (`headers`: a mapping, any case; `body`:
    bytes or str) if one of its signatures is `secret`'s and its timestamp is
    within `tolerance` seconds of now; else InvalidSignature. What a receiver
    in Python does (the README has the same in TypeScript)."""
    headers = {name.lower(): value for name, value in headers.items()}
    body = body.encode() if isinstance(body, str) else body
    try:
        message_id = headers["webhook-id"]
        timestamp = int(headers["webhook-timestamp"])
        offered = headers["webhook-signature"].split()
    except (KeyError, ValueError) as error:
        raise InvalidSignature("Missing or malformed webhook headers.") from error
    if abs(time.time() - timestamp) > tolerance:
        raise InvalidSignature("The timestamp is outside the replay window.")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise InvalidSignature("No signature matches the secret.")
    return json.loads(body)


def signing_secrets(endpoint):
    """The endpoint's secret, and its previous one within the rotation's grace."""
    grace = timedelta(seconds=settings.CMS_WEBHOOK_ROTATION_GRACE)
    keep_previous = (
        endpoint.previous_secret
        and endpoint.rotated_at
        and timezone.now() - endpoint.rotated_at < grace
    )
    return [endpoint.secret, *([endpoint.previous_secret] if keep_previous else [])]


def rotate(endpoint):
    """Give `endpoint` a new secret (saved) and return it; the old one keeps
    signing alongside for CMS_WEBHOOK_ROTATION_GRACE seconds."""
    endpoint.previous_secret = endpoint.secret
    endpoint.secret = new_secret()
    endpoint.rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "previous_secret", "rotated_at"])
    return endpoint.secret


# ----------------------------------------------------------------- payload


def type_name(label):
    """The GraphQL type of model `label` (grapple names types after the model
    class), the label itself for what is not a model."""
    try:
        return apps.get_model(label).__name__
    except (LookupError, ValueError):
        return label


def payload(change, at):
    return {
        "event": change.event,
        "type": type_name(change.model),
        "model": change.model,
        "id": change.pk,
        "locale": change.locale,
        "paths": list(change.paths),
        "urls": list(change.urls),
        "keys": sorted(surrogate(key) for key in change.keys),
        "timestamp": at.isoformat(),
    }


# ----------------------------------------------------------------- delivery


@subscribe
def notify(change):
    """Queue a delivery of `change` to each active endpoint that wants it (the
    search index's changes follow content already announced: none)."""
    if change.model == "search":
        return
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(change)
    ]
    if not endpoints:
        return
    body = payload(change, timezone.now())
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=change.event,
            type=body["type"],
            object_id=change.pk,
            locale=change.locale or "",
            payload=body,
        )
        deliver.enqueue(delivery.pk)


def body_of(delivery):
    """The bytes sent: the payload as compact JSON, the same on every attempt."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, separators=(",", ":")
    ).encode()


@task(takes_context=True)
def deliver(context, delivery_id):
    """Send one delivery; raise DeliveryFailed (the worker retries) unless the
    endpoint answered 2xx. Then prune the log."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return  # pruned, or delivered by a redelivery meanwhile
    endpoint = delivery.endpoint
    if not endpoint.active:  # switched off since: what was queued is dropped
        return
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(signing_secrets(endpoint), delivery.message_id, body),
    }
    started = time.monotonic()
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.CMS_WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        code, error = response.status_code, ""
        if not 200 <= code < 300:
            error = f"HTTP {code}: {response.text[:500]}"
    except requests.RequestException as exception:
        code, error = None, f"{type(exception).__name__}: {exception}"[:1000]
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = code
    delivery.response_ms = round((time.monotonic() - started) * 1000)
    delivery.last_error = error
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
    elif context.attempt >= settings.CMS_TASK_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
    delivery.save()
    prune()
    if error:
        raise DeliveryFailed(f"{endpoint.url}: {error}")


def redeliver(delivery):
    """Queue a new attempt of `delivery` (the admin's button): a new task, with
    the worker's retries of its own."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING
    )
    deliver.enqueue(delivery.pk)


def prune():
    """Keep the log bounded: delete deliveries older than CMS_WEBHOOK_LOG_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.CMS_WEBHOOK_LOG_DAYS)
    WebhookDelivery.objects.filter(created_at__lt=cutoff).delete()
