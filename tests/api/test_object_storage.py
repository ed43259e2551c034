"""Media on object storage (issue 15, item 3): files in a private bucket, readers
served by the application's checked routes, URLs from CMS_MEDIA_BASE_URL.

The bucket is a real S3 API over HTTP on a local port (moto's server mode, the
`media_bucket` fixture): the application reads and writes it with boto3 as it
would AWS or MinIO, and these tests look into it with their own client. The local
MEDIA_ROOT must stay empty throughout: nothing may fall back to the disk.
"""

import io
import json
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

CDN = "https://cdn.example.org"
QUERY = """
query ($id: ID) { image(id: $id) {
  url rendition(width: 320) { url width } srcSet(sizes: [320, 640])
} }
"""


@pytest.fixture(autouse=True)
def local_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CMS_MEDIA_BASE_URL = CDN
    yield settings.MEDIA_ROOT
    assert not settings.MEDIA_ROOT.exists(), "a file went to the local disk"


def keys(bucket):
    listing = bucket.client.list_objects_v2(Bucket=bucket.name)
    return {item["Key"] for item in listing.get("Contents", [])}


def stored(bucket, key):
    """The object's bytes, read with the bucket's credentials."""
    return bucket.client.get_object(Bucket=bucket.name, Key=key)["Body"].read()


def anonymous_status(bucket, key):
    """What the bucket answers a reader who asks it directly, unsigned."""
    url = f"{bucket.endpoint}/{bucket.name}/{quote(key)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def png(width=640, height=480):
    data = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(data, "PNG")
    return data.getvalue()


def body(response):
    return b"".join(response.streaming_content)


def restricted_collection(name):
    collection = Collection.get_first_root_node().add_child(name=name)
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="mk-pass"
    )
    return collection


def test_image_uploaded_in_the_admin_and_its_rendition_are_in_the_bucket(
    client, gql, media_bucket
):
    editor = get_user_model().objects.create_superuser("mk-editor", "", "x")
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "mk-harbour",
            "file": SimpleUploadedFile("harbour.png", png(), "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    client.logout()
    image = get_image_model().objects.get(title="mk-harbour")
    assert image.file.name.startswith("original_images/harbour")
    assert image.file.name in keys(media_bucket)

    data = gql(QUERY, id=image.pk)["image"]
    # URLs: the application's routes, from the configured origin (never the bucket).
    assert data["url"] == f"{CDN}/media/{image.file.name}"
    rendition = data["rendition"]
    assert rendition["width"] == 320
    assert rendition["url"].startswith(f"{CDN}/media/images/harbour")
    sources = data["srcSet"].split(", ")
    assert [src.rsplit(" ", 1)[1] for src in sources] == ["320w", "640w"]
    assert all(src.startswith(f"{CDN}/media/images/harbour") for src in sources)
    key = rendition["url"].removeprefix(f"{CDN}/media/")
    assert key in keys(media_bucket)
    assert PILImage.open(io.BytesIO(stored(media_bucket, key))).size == (320, 240)

    # Readers get both files from the application, which reads them from the
    # bucket; the bucket itself answers them nothing.
    for name in (image.file.name, key):
        served = client.get(f"/media/{name}")
        assert served.status_code == 200
        assert served["Cache-Control"] == "public, max-age=600"
        assert body(served) == stored(media_bucket, name)
        assert anonymous_status(media_bucket, name) == 403


def test_two_uploads_named_alike_keep_two_originals(db, media_bucket):
    first = wagtail_factories.ImageFactory(file__filename="same.png", file__color="red")
    second = wagtail_factories.ImageFactory(
        file__filename="same.png", file__color="blue"
    )
    assert first.file.name != second.file.name
    assert {first.file.name, second.file.name} <= keys(media_bucket)


def test_restricted_image_files_are_private_objects_served_to_nobody(
    client, gql, media_bucket
):
    image = wagtail_factories.ImageFactory(
        title="mk-secret",
        file__filename="mk-secret.png",
        collection=restricted_collection("mk-members"),
    )
    rendition = image.get_rendition("width-320")
    assert gql(QUERY, id=image.pk)["image"] is None
    for name in (image.file.name, rendition.file.name):
        assert name in keys(media_bucket)
        assert anonymous_status(media_bucket, name) == 403
        assert client.get(f"/media/{name}").status_code == 404


def test_documents_are_streamed_from_the_bucket_by_wagtails_checked_view(
    client, db, media_bucket
):
    public = wagtail_factories.DocumentFactory(
        title="mk-report", file=ContentFile(b"mk public report", name="report.txt")
    )
    private = wagtail_factories.DocumentFactory(
        title="mk-minutes",
        file=ContentFile(b"mk private minutes", name="minutes.txt"),
        collection=restricted_collection("mk-board"),
    )
    for document in (public, private):
        assert document.file.name in keys(media_bucket)
        assert anonymous_status(media_bucket, document.file.name) == 403
        assert client.get(f"/media/{document.file.name}").status_code == 404

    assert public.url == f"/documents/{public.pk}/report.txt"
    served = client.get(public.url)
    assert served.status_code == 200
    assert body(served) == b"mk public report"
    refused = client.get(private.url)
    assert b"mk private minutes" not in refused.content
    assert refused.status_code == 200  # Wagtail's password form
    assert b'type="password"' in refused.content


def test_a_rendition_of_a_lost_original_fails_without_naming_a_file(gql, media_bucket):
    image = wagtail_factories.ImageFactory(file__filename="mk-lost.png")
    media_bucket.client.delete_object(Bucket=media_bucket.name, Key=image.file.name)
    status, answer = gql.post(QUERY, {"id": image.pk})
    assert status == 200
    assert answer["data"]["image"]["rendition"] is None
    assert {e["extensions"]["code"] for e in answer["errors"]} == {
        "INTERNAL_SERVER_ERROR"
    }
    errors = json.dumps(answer["errors"])
    for detail in ("mk-lost", "original_images", "exist", media_bucket.endpoint):
        assert detail not in errors
