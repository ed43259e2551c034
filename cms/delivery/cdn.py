"""CDN purging: each change (cms.delivery.changes) purges its surrogate keys and
its pages' public URLs from every CDN in Wagtail's WAGTAILFRONTENDCACHE setting
(filled from the environment in cms/settings/base.py), on the worker.

Wagtail's frontend cache module gives the configuration (`get_backends`) and the
backends, subclassed here because the project needs three things they lack:
purging by key (Cloudflare's cache tags, Varnish/nginx by a header; CloudFront
has no tags, so a key purge invalidates the GraphQL GET path), errors that
raise instead of being logged (so the worker retries a failing CDN,
cms.worker.retries), and addresses that can be set (Cloudflare's API URL,
CloudFront's endpoint), which the tests point at local servers.

The app `wagtail.contrib.frontend_cache` is deliberately not installed: its
`ready` connects purges to page_published/page_unpublished that would queue
Wagtail's own task for the CMS's page URLs, which readers never visit (the
public site is a frontend, cms.content.public_urls) and which do not name the
keys. Its modules work without it. Nor is PurgeBatch used: it collects
Wagtail's page URLs, where the change already holds the frontend's.
"""

import logging
import uuid
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.exceptions
import requests
from django.conf import settings
from django_tasks import task
from wagtail.contrib.frontend_cache.backends import cloudflare, cloudfront, http
from wagtail.contrib.frontend_cache.utils import get_backends

from .changes import subscribe, surrogate
from .responses import ANY_CHANGE

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds per purge request
# Keys per purge request: Cloudflare takes at most 30 tags a call; a header of
# 30 keys stays far below any proxy's header limit.
KEYS_PER_REQUEST = 30


class PurgeFailed(Exception):
    """A CDN refused or failed a purge: the worker tries again later."""


def chunks(items, size=KEYS_PER_REQUEST):
    return [items[i : i + size] for i in range(0, len(items), size)]


class CloudflareBackend(cloudflare.CloudflareBackend):
    """Cloudflare: URLs (`{"files": [...]}`) and cache tags (`{"tags": [...]}`)
    through the zone's purge_cache API, at API_URL (default Cloudflare's)."""

    API_URL = "https://api.cloudflare.com/client/v4"

    def __init__(self, params):
        api_url = params.pop("API_URL", None) or self.API_URL
        super().__init__(params)
        self.cloudflare_purge_endpoint_url = (
            f"{api_url.rstrip('/')}/zones/{self.cloudflare_zoneid}/purge_cache"
        )

    def _post(self, data):
        headers = {"Content-Type": "application/json"}
        if self.cloudflare_token:
            headers["Authorization"] = f"Bearer {self.cloudflare_token}"
        else:
            headers["X-Auth-Email"] = self.cloudflare_email
            headers["X-Auth-Key"] = self.cloudflare_api_key
        response = requests.post(
            self.cloudflare_purge_endpoint_url,
            json=data,
            headers=headers,
            timeout=TIMEOUT,
        )
        try:
            success = response.json().get("success") is True
        except ValueError:
            success = False
        if response.status_code != 200 or not success:
            raise PurgeFailed(
                f"Cloudflare purge: HTTP {response.status_code} {response.text[:300]}"
            )

    def _purge_urls(self, urls):  # Wagtail's purge_batch calls it in chunks
        self._post({"files": urls})

    def purge_keys(self, keys):
        for chunk in chunks(keys):
            self._post({"tags": chunk})


class CloudfrontBackend(cloudfront.CloudfrontBackend):
    """CloudFront: an invalidation of the URLs' paths; keys, which CloudFront
    cannot purge by, invalidate GRAPHQL_PATH (default `/graphql*`: the GET
    queries a key could be in). ENDPOINT_URL sets the API's address."""

    def __init__(self, params):
        super().__init__(params)
        self.graphql_path = params.get("GRAPHQL_PATH") or "/graphql*"
        self.client = boto3.client(
            "cloudfront",
            endpoint_url=params.get("ENDPOINT_URL") or None,
            region_name=params.get("REGION") or "us-east-1",
            aws_access_key_id=params.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=params.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=params.get("AWS_SESSION_TOKEN"),
        )

    def _create_invalidation(self, distribution_id, paths):
        """As Wagtail's, but a refusal raises (Wagtail's logs it)."""
        try:
            self.client.create_invalidation(
                DistributionId=distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": sorted(paths)},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except (
            botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError,
        ) as error:
            raise PurgeFailed(f"CloudFront invalidation: {error}") from error

    def purge_keys(self, keys):
        self._create_invalidation(self.cloudfront_distribution_id, [self.graphql_path])


class HTTPBackend(http.HTTPBackend):
    """Varnish or nginx: `PURGE <path>` to LOCATION with the URL's `Host` for
    each URL, and `PURGE /` with the keys, space-separated, in KEYS_HEADER
    (default `Surrogate-Key`; `xkey-purge` for Varnish's xkey module). TOKEN,
    if set, is sent as `Authorization: Bearer <token>`."""

    def __init__(self, params):
        self.location = params["LOCATION"].rstrip("/")
        self.keys_header = params.pop("KEYS_HEADER", None) or "Surrogate-Key"
        self.token = params.pop("TOKEN", None)
        super().__init__(params)

    def _purge(self, path, headers):
        headers = {"User-Agent": "cms-purge/1", **headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = requests.request(
                "PURGE", self.location + path, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as error:
            raise PurgeFailed(f"PURGE {path}: {error}") from error
        # 404: nothing cached under it, which is what a purge wants.
        if response.status_code >= 400 and response.status_code != 404:
            raise PurgeFailed(f"PURGE {path}: HTTP {response.status_code}")

    def purge(self, url):
        parts = urlsplit(url)
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self._purge(path, {"Host": parts.netloc})

    def purge_keys(self, keys):
        for chunk in chunks(keys):
            self._purge("/", {self.keys_header: " ".join(chunk)})


@subscribe
def purge_change(change):
    """Queue the purge of `change` on each configured CDN (one task each, so a
    failing CDN's retries leave the others alone)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    # ANY_CHANGE too: the key of the responses that depend on every change, or
    # carry it in place of too many keys (cms.api.caching.surrogate_keys).
    keys = sorted(surrogate(key) for key in (*change.keys, ANY_CHANGE))
    for name in settings.WAGTAILFRONTENDCACHE:
        purge.enqueue(name, keys, list(change.urls))


@task()
def purge(backend_name, keys, urls):
    """Purge `keys` and `urls` (those of hosts the backend serves, its
    HOSTNAMES) from the CDN `backend_name`; raises when the CDN fails."""
    backend = get_backends(backends=[backend_name]).get(backend_name)
    if backend is None:  # removed from the settings since the task was queued
        return
    if keys:
        backend.purge_keys(keys)
    urls = [url for url in urls if backend.invalidates_hostname(urlsplit(url).netloc)]
    if urls:
        backend.purge_batch(urls)
    logger.info(
        "Purged %d keys and %d URLs from %s.", len(keys), len(urls), backend_name
    )
