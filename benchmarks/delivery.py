"""Delivery at scale: the news listing and an article through the production
server, uncached, from the response cache and as 304s, side by side with a
trivial view through the same middleware stack and with graphene-django's stock
view; then the time from a publication to the first read that shows it.

Run from the project folder (needs `wrk`: `apt-get install wrk`, the local
PostgreSQL at 127.0.0.1:5432, user `postgres`, trust authentication, and Redis at
127.0.0.1:6379):

    .venv/bin/python benchmarks/delivery.py
    .venv/bin/python benchmarks/delivery.py --duration 20 --connections 32

It uses benchmarks/load.py's database (`cms_bench_load`: the demo site, its
zh-hans article copied to 30 articles; made on first use, `--fresh` makes it
again) and Redis database 7, and runs the production server (gunicorn with
deploy/gunicorn.conf.py) twice, with benchmarks/delivery_settings.py (the
project's routes plus /graphql/trivial/ and /graphql/stock/):

- with the response cache (the default): the trivial view, the stock view's
  20-page listing (graphene-django's GraphQLView on the same schema, with none of
  this project's view or GraphQL middleware: no limits, no cache), and for the
  listing and the article a POST and a GET (Apollo's automatic persisted query:
  the hash, not the document, in the URL) served from the response cache, and
  that GET with If-None-Match answered 304;
- with CMS_RESPONSE_CACHE=false: the listing and the article computed for every
  request.

The queries are the site's own operations (frontend/operations: NewsList with 20
articles a page, Article). Each row: one request checked, a 2-second warm-up,
then `wrk` for --duration seconds. The ratios the issue asks for come last, then
the publication: a new revision of the article published here, in this process,
against the same database and Redis (as the admin does), and the server asked
until its answer has the new title.
"""

import hashlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import load

PROJECT = load.PROJECT
STALE_READS = 1000
SETTINGS = {"DJANGO_SETTINGS_MODULE": "benchmarks.delivery_settings"}
STOCK_LISTING = """{ pages(contentType: "newsroom.NewsArticlePage", perPage: 20) {
  items { id title url ... on NewsArticlePage { summary firstPublishedAt } } } }"""


def setup_django():
    """Django in this process, on the servers' database and Redis: to read the
    operations as `register_documents` does and to publish as the admin does."""
    os.environ.update({**load.ENV, **SETTINGS})
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def operations():
    """The site's operations, each with the fragments it uses, by name."""
    from cms.api.management.commands.register_documents import graphql_files

    documents = graphql_files([PROJECT / "frontend" / "operations"])
    return {document.name: document.body for document in documents}


def request(path, body=None, headers=None):
    """(status, headers, body bytes) of one request to the server."""
    headers = dict(headers or {})
    if body is not None:
        headers["Content-Type"] = "application/json"
    sent = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{load.PORT}{path}",
        data=None if body is None else body.encode(),
        headers=headers,
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def get_path(body):
    """The GET a frontend sends for a POST body, as the README recommends for
    CDNs: Apollo's automatic persisted query, the hash instead of the document
    (registered here first, as Apollo's link does on its first miss)."""
    fields = json.loads(body)
    sha256 = hashlib.sha256(fields["query"].encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    status, _headers, answer = request(
        "/graphql/", json.dumps({**fields, "extensions": extensions})
    )
    assert status == 200 and b'"errors"' not in answer, answer[:300]
    params = {
        "variables": json.dumps(fields["variables"], separators=(",", ":")),
        "extensions": json.dumps(extensions, separators=(",", ":")),
    }
    return "/graphql/?" + urllib.parse.urlencode(params)


def measure(label, options, body, method="POST", path="/graphql/", headers=None):
    status, answer_headers, answer = request(
        path, body if method == "POST" else None, headers
    )
    expected = 304 if headers and "If-None-Match" in headers else 200
    assert status == expected, (label, status, answer[:300])
    if status == 200:
        assert b'"errors"' not in answer, (label, answer[:300])
    load.wrk(body, 2, options.connections, method, path, headers)
    rate, p50, p99, problems = load.wrk(
        body, options.duration, options.connections, method, path, headers
    )
    print(
        f"{label:<34} {rate:>8.1f} {p50:>8.1f} {p99:>8.1f}"
        + (f"  ({problems})" if problems else ""),
        flush=True,
    )
    return rate, answer_headers


def publication(slug, article_path):
    """(ms the publication took, ms until the server's answer showed it, stale
    answers seen after the publication returned; at most STALE_READS are
    tried)."""
    os.environ.update({**load.ENV, **SETTINGS})
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from newsroom.models import NewsArticlePage

    article = NewsArticlePage.objects.get(slug=slug, locale__language_code="zh-hans")
    article.title = f"{article.title.split(' · ')[0]} · {time.time_ns()}"
    started = time.perf_counter()
    article.save_revision().publish()
    published = time.perf_counter()
    stale = 0
    while stale < STALE_READS:
        _status, _headers, answer = request(article_path)
        if article.title in answer.decode():
            break
        stale += 1
    fresh = time.perf_counter()
    return (published - started) * 1000, (fresh - published) * 1000, stale


def main():
    options = load.arguments(__doc__)
    slug = load.prepare(options.fresh)
    setup_django()
    texts = operations()
    variables = {"locale": "zh-hans", "perPage": 20}
    bodies = {
        "listing": json.dumps({"query": texts["NewsList"], "variables": variables}),
        "article": json.dumps(
            {
                "query": texts["Article"],
                "variables": {"locale": "zh-hans", "slug": slug},
            }
        ),
    }
    print(
        f"{options.connections} connections, {options.duration} s each, "
        f"{os.cpu_count()} CPUs, gunicorn with deploy/gunicorn.conf.py\n"
    )
    print(f"{'':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    rates = {}
    process = load.start("production", {**SETTINGS, "CMS_RESPONSE_CACHE": "false"})
    try:
        for name, body in bodies.items():
            rates[f"{name} uncached"], _ = measure(f"{name}: uncached", options, body)
    finally:
        load.stop(process)
    process = load.start("production", SETTINGS)
    try:
        rates["trivial"], _ = measure(
            "trivial view", options, "", "GET", "/graphql/trivial/"
        )
        stock = json.dumps({"query": STOCK_LISTING})
        rates["stock"], _ = measure(
            "stock view: 20-page listing", options, stock, path="/graphql/stock/"
        )
        for name, body in bodies.items():
            rates[f"{name} cached"], _ = measure(f"{name}: cached, POST", options, body)
            path = get_path(body)
            rates[f"{name} get"], headers = measure(
                f"{name}: cached, GET (APQ)", options, body, "GET", path
            )
            etag = {"If-None-Match": headers["ETag"]}
            rates[f"{name} 304"], _ = measure(
                f"{name}: 304", options, body, "GET", path, etag
            )
        article_path = get_path(bodies["article"])
        publish_ms, fresh_ms, stale = publication(slug, article_path)
    finally:
        load.stop(process)
    print("\nratios")
    for name in bodies:
        cached = rates[f"{name} cached"]
        print(
            f"{name}: cached / trivial view {cached / rates['trivial']:.0%}, "
            f"cached / uncached {cached / rates[f'{name} uncached']:.1f}x, "
            f"GET cached / trivial {rates[f'{name} get'] / rates['trivial']:.0%}, "
            f"304 / trivial {rates[f'{name} 304'] / rates['trivial']:.0%}"
        )
    ours = rates["listing uncached"] / rates["stock"]
    print(f"listing uncached / stock view {ours:.1f}x")
    print(
        f"\npublication: {publish_ms:.0f} ms to publish, then {fresh_ms:.0f} ms "
        f"until a read showed it ({stale} stale answers after it returned"
        + (", given up" if stale == STALE_READS else "")
        + ")"
    )


if __name__ == "__main__":
    main()
