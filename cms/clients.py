"""Who is asking: the client's address, also behind the production proxy."""

from django.conf import settings


def client_ip(request):
    """The client's IP address.

    Behind CMS_NUM_PROXIES trusted reverse proxies, REMOTE_ADDR is the nearest proxy's
    address for every reader; the client's is the entry the outermost trusted proxy
    appended to X-Forwarded-For. Entries left of it are the client's own claims and
    are not believed: a chain longer than the trusted proxies is cut to them, not
    answered with an error, since a reader's own forward proxy adds entries too.
    With no proxy (0, or a chain shorter than the proxies: the request came past
    them) the header is ignored and REMOTE_ADDR, the socket's peer, is the client.
    """
    proxies = settings.CMS_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
