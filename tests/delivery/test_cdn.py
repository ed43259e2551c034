"""CDN purging (cms.delivery.cdn): each change's surrogate keys and page URLs
reach the configured CDNs, Cloudflare's API and a Varnish/nginx PURGE endpoint
as local recording servers, CloudFront as moto's server; a failing CDN is
retried by the worker and never fails the publish."""

import json
import uuid

import boto3
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.delivery.changes import surrogate
from newsroom.models import NewsIndexPage
from tests import factories
from tests.conftest import S3_CREDENTIALS
from tests.delivery.servers import Recorder
from tests.test_production_settings import manage

pytestmark = pytest.mark.django_db

TASK = "cms.delivery.cdn.purge"
PUBLIC = "https://www.example.org"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.CMS_PUBLIC_BASE_URLS = f"zh-hans={PUBLIC}"


def publish(django_capture_on_commit_callbacks):
    """An article published in zh-hans, its changes handed over; the path."""
    section = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.live_article(title="培训会", slug="training")
    return article, f"/{section.slug}/training/"


def test_surrogate_keys_are_spelled_for_cdn_headers():
    assert surrogate("list:newsroom.newsarticlepage:zh-hans") == (
        "list:newsroom.newsarticlepage:zh-hans"
    )
    assert surrogate("Tag:A B,C") == "tag:a%20b%2Cc"
    assert surrogate("search:中文") == "search:%E4%B8%AD%E6%96%87"


def test_cloudflare_purges_tags_and_urls(settings, django_capture_on_commit_callbacks):
    with Recorder() as api:
        settings.WAGTAILFRONTENDCACHE = {
            "cloudflare": {
                "BACKEND": "cms.delivery.cdn.CloudflareBackend",
                "ZONEID": "zone-1",
                "BEARER_TOKEN": "cf-token",
                "API_URL": api.url,
            }
        }
        article, path = publish(django_capture_on_commit_callbacks)
    assert {r.path for r in api.requests} == {"/zones/zone-1/purge_cache"}
    assert {r.method for r in api.requests} == {"POST"}
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer cf-token"}
    tags = {tag for r in api.requests for tag in r.json().get("tags", [])}
    assert {
        f"page:{article.pk}",
        "list:newsroom.newsarticlepage:zh-hans",
        f"tk:{article.translation_key.hex}",
        "search:zh-hans",
    } <= tags
    assert all(len(r.json().get("tags", [])) <= 30 for r in api.requests)
    files = {url for r in api.requests for url in r.json().get("files", [])}
    assert f"{PUBLIC}{path}" in files


def test_varnish_gets_purge_requests_with_keys_and_hosts(
    settings, django_capture_on_commit_callbacks
):
    with Recorder(statuses=(200,)) as varnish:
        settings.WAGTAILFRONTENDCACHE = {
            "http": {
                "BACKEND": "cms.delivery.cdn.HTTPBackend",
                "LOCATION": varnish.url,
                "KEYS_HEADER": "xkey-purge",
                "TOKEN": "purge-secret",
            }
        }
        article, path = publish(django_capture_on_commit_callbacks)
    assert {r.method for r in varnish.requests} == {"PURGE"}
    assert {r.headers["authorization"] for r in varnish.requests} == {
        "Bearer purge-secret"
    }
    keyed = [r for r in varnish.requests if "xkey-purge" in r.headers]
    keys = {key for r in keyed for key in r.headers["xkey-purge"].split(" ")}
    assert {f"page:{article.pk}", "list:wagtailcore.page:zh-hans"} <= keys
    assert {r.path for r in keyed} == {"/"}
    by_url = [r for r in varnish.requests if "xkey-purge" not in r.headers]
    assert (path, "www.example.org") in {(r.path, r.headers["host"]) for r in by_url}


def test_cloudfront_invalidates_the_page_and_the_graphql_get_path(
    s3_endpoint, settings, django_capture_on_commit_callbacks
):
    client = boto3.client(
        "cloudfront",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
    )
    distribution = client.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "cms",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "cms",
                        "DomainName": "cms.example.org",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "cms",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {
                    "QueryString": True,
                    "Cookies": {"Forward": "none"},
                },
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )["Distribution"]["Id"]
    settings.WAGTAILFRONTENDCACHE = {
        "cloudfront": {
            "BACKEND": "cms.delivery.cdn.CloudfrontBackend",
            "DISTRIBUTION_ID": distribution,
            "ENDPOINT_URL": s3_endpoint,
            "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["access_key"],
            "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_key"],
        }
    }
    _article, path = publish(django_capture_on_commit_callbacks)
    summaries = client.list_invalidations(DistributionId=distribution)[
        "InvalidationList"
    ]["Items"]
    paths = set()
    for summary in summaries:
        batch = client.get_invalidation(DistributionId=distribution, Id=summary["Id"])
        paths |= set(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
    assert {path, "/graphql*"} <= paths


def test_a_failing_cdn_is_retried_and_never_fails_the_publish(
    task_queue, settings, django_capture_on_commit_callbacks
):
    with Recorder(statuses=(500, 200)) as api:
        settings.WAGTAILFRONTENDCACHE = {
            "cloudflare": {
                "BACKEND": "cms.delivery.cdn.CloudflareBackend",
                "ZONEID": "zone-1",
                "BEARER_TOKEN": "cf-token",
                "API_URL": api.url,
            }
        }
        article, _path = publish(django_capture_on_commit_callbacks)
        assert article.live
        assert api.requests == []  # only queued
        first = DBTaskResult.objects.filter(task_path=TASK).order_by("pk").first()
        DBTaskResult.objects.filter(task_path=TASK).exclude(pk=first.pk).delete()
        task_queue.run()
        first.refresh_from_db()
        assert first.status == "READY" and len(first.worker_ids) == 1
        assert 8 < (first.run_after - timezone.now()).total_seconds() <= 10
        assert "PurgeFailed" in first.exception_class_path
        DBTaskResult.objects.filter(pk=first.pk).update(run_after=timezone.now())
        task_queue.run()
    first.refresh_from_db()
    assert first.status == "SUCCESSFUL" and len(first.worker_ids) == 2
    # (the zh-hant edition's purges ran meanwhile, on their first attempt)
    failed = api.requests[0]
    assert failed.body in [r.body for r in api.requests[1:]]


def test_no_cdn_configured_queues_nothing(
    task_queue, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {}
    publish(django_capture_on_commit_callbacks)
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


SHOW_CDNS = (
    "import json; from django.conf import settings;"
    "from wagtail.contrib.frontend_cache.utils import get_backends;"
    "print(json.dumps({name: type(backend).__module__ + '.' + type(backend).__name__"
    " for name, backend in get_backends().items()}))"
)


def test_the_cdns_come_from_the_environment():
    """As production reads them (README, "CDN purging"): one backend per CDN
    whose variables are set, none without."""
    assert json.loads(manage("shell", "--no-imports", "-c", SHOW_CDNS).stdout) == {}
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_CDNS,
        CMS_CLOUDFLARE_ZONE_ID="zone-1",
        CMS_CLOUDFLARE_API_TOKEN="cf-token",
        CMS_CLOUDFRONT_DISTRIBUTION_ID="E123",
        AWS_DEFAULT_REGION="us-east-1",
        CMS_PURGE_LOCATION="http://127.0.0.1:6081",
    )
    assert json.loads(result.stdout) == {
        "cloudflare": "cms.delivery.cdn.CloudflareBackend",
        "cloudfront": "cms.delivery.cdn.CloudfrontBackend",
        "http": "cms.delivery.cdn.HTTPBackend",
    }, result.stderr
