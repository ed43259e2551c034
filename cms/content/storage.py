"""Media on S3-compatible object storage, kept private.

Every file stays a private object: the bucket answers only the application's
credentials, never a reader. Readers reach files where they reach them with media
on local disk, through the application's checked views: an image's original or
rendition at MEDIA_URL (`cms.api.media_views`, public collections only, read from
the bucket) and a document at /documents/<id>/<name> (Wagtail's serve view, which
checks its collection and streams it). So `url()` is that route (MEDIA_URL +
name), like FileSystemStorage's, not the bucket's address: file URLs keep one rule
(`cms.content.media.media_url`, prefixed with `CMS_MEDIA_BASE_URL`, the origin or
CDN in front of the application), and a collection restricted today hides files
that were public yesterday without an object changing its ACL (which buckets with
ACLs disabled refuse anyway, and a CDN at the bucket would keep serving).

Nothing here assumes a local path: Wagtail reads an original through
`storage.open` to make a rendition in whichever process is asked for it.
"""

from urllib.parse import urljoin

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

# A bucket that does not answer fails a request (and /readyz) within seconds, not
# after botocore's default minute per attempt.
TIMEOUTS = Config(
    connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
)


class PrivateS3Storage(S3Storage):
    # Objects take the bucket's own access, which must be private (no ACL is sent:
    # buckets with ACLs disabled refuse one).
    default_acl = None
    # Two uploads named alike get two objects, as on local disk; the S3 backend's
    # default would overwrite the first image's original with the second.
    file_overwrite = False
    # Any URL made by the bucket itself (none is handed out) would be signed.
    querystring_auth = True

    def __init__(self, **options):
        super().__init__(**options)
        self.client_config = self.client_config.merge(TIMEOUTS)

    def url(self, name, *args, **kwargs):
        """The application's route for the file (see the module docstring)."""
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def ping(self):
        """Raises unless the bucket answers these credentials (`/readyz`)."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
