"""/media/: the files of public images, and nothing else, in every environment.

Served: an image's original (`original_images/...`) or one of its renditions
(`images/...`), found by the exact file name an Image or Rendition row holds, when
the image's collection has no view restriction, its own or an ancestor's
(cms.api.media). Everything else under MEDIA_ROOT answers 404, as a file that does
not exist would: documents (readers get them from Wagtail's serve view,
/documents/<id>/<name>, which checks the collection's restriction;
WAGTAILDOCS_SERVE_METHOD = "serve_view" keeps every document URL there), a
restricted image's files, files no row names, paths with `..`.

The one exception is the admin: a user who may change or choose a restricted image
(Wagtail's image permissions) gets its files, which the admin shows as
thumbnails, with `Cache-Control: private, no-store` so no shared cache keeps them.

Production: MEDIA_URL is a path (/media/) and cms/urls.py routes it here in
production too, not only under DEBUG, whichever storage holds the files: local
disk, or a private bucket (cms.content.storage), read here through the storage
API. A proxy or web server in front must pass /media/ to the application and
must not serve MEDIA_ROOT (or the bucket) itself, which would publish every
document and every restricted image. It may cache the public answers:
`Cache-Control: public` for PUBLIC_MAX_AGE seconds, so an image moved into a
restricted collection can stay in such a cache that long.
"""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import re_path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from cms.content.media import is_public

ORIGINALS = "original_images/"
RENDITIONS = "images/"
PUBLIC_MAX_AGE = 10 * 60
# Who may see a restricted image's files: those who see it in the admin.
EDITOR_ACTIONS = ["change", "choose"]


def image_and_file(path):
    """The image whose original or rendition is stored as `path`, and that file."""
    image_model = get_image_model()
    if path.startswith(ORIGINALS):
        image = image_model.objects.filter(file=path).first()
        return (image, image.file) if image else (None, None)
    if path.startswith(RENDITIONS):
        rendition = (
            image_model.get_rendition_model()
            .objects.select_related("image")
            .filter(file=path)
            .first()
        )
        return (rendition.image, rendition.file) if rendition else (None, None)
    return None, None


def may_edit(user, image):
    if not user.is_authenticated:
        return False
    policy = policy_registry.get(image)
    return policy.user_has_any_permission_for_instance(user, EDITOR_ACTIONS, image)


@require_safe
def serve_media(request, path):
    image, file = image_and_file(path)
    if image is None:
        raise Http404
    public = is_public(image, request)
    if not public and not may_edit(request.user, image):
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    if public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, no-store"
        patch_vary_headers(response, ["Cookie"])
    # An SVG opened by itself runs no script; no type is guessed from the bytes.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def media_urlpatterns():
    """The route of MEDIA_URL to `serve_media` when it is a path on this site."""
    prefix = settings.MEDIA_URL
    if urlsplit(prefix).netloc or not prefix.startswith("/") or prefix == "/":
        return []
    pattern = rf"^{re.escape(prefix.lstrip('/'))}(?P<path>.+)$"
    return [re_path(pattern, serve_media, name="media")]
