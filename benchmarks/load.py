"""The news listing and an article through the production server and through the
development server, under load: requests per second, p50 and p99.

Run from the project folder (needs `wrk`: `apt-get install wrk`, and the local
PostgreSQL at 127.0.0.1:5432, user `postgres`, trust authentication):

    .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --servers production uvicorn granian \
        --duration 20 --connections 32

Each server runs under `cms.settings.production` against the same database,
`cms_bench_load` (made on first use: migrated, the demo site loaded, its zh-hans
article copied to ARTICLES articles, static files collected; `--fresh` makes it
again), with the same Redis cache (database 7 of 127.0.0.1:6379). Servers, one at
a time:

- production: the README's start command, gunicorn with `deploy/gunicorn.conf.py`
  (2 workers x 8 threads unless WEB_CONCURRENCY / CMS_WEB_THREADS say otherwise);
- development: `manage.py runserver --noreload` (one process, a thread a request);
- uvicorn, granian: the candidates the production server was chosen against
  (README, "Production"); they need `uvicorn-worker` or `granian` installed,
  which the lock files do not hold.

For each server: the time of its first news listing, once it answers /healthz
(what the first reader waits). For each query: one request checked (200, no
GraphQL errors), a 2-second warm-up, then `wrk` for --duration seconds on
--connections connections (wrk's 2 threads share the machine's cores with the
server: compare the rows with each other, not with another machine).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parents[1]
DATABASE = "cms_bench_load"
SERVER = "postgres://postgres@127.0.0.1:5432"
ARTICLES = 30
PORT = 8731
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "bench-" + "q7Rw2!zXk9#Lp4$Vm8&Tn3" * 3,
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CACHE_URL": "redis://127.0.0.1:6379/7",
    "SECURE_SSL_REDIRECT": "false",
    "CMS_NUM_PROXIES": "0",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "cms-bench-load-media"),
}
SERVERS = {
    "production": [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"],
    "development": [PYTHON, "manage.py", "runserver", "--noreload"],
    "uvicorn": [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    + ["-k", "uvicorn_worker.UvicornWorker", "cms.asgi:application"],
    "granian": [BIN / "granian", "--interface", "wsgi", "--workers", "2"]
    + ["--blocking-threads", "8", "cms.wsgi:application"],
}
ADDRESS = {
    "production": ["--bind", f"127.0.0.1:{PORT}"],
    "development": [f"127.0.0.1:{PORT}"],
    "uvicorn": ["--bind", f"127.0.0.1:{PORT}"],
    "granian": ["--host", "127.0.0.1", "--port", str(PORT)],
}
QUERIES = {
    "news listing": """{ newsArticles(locale: "zh-hans", perPage: 10) {
      totalCount numPages items { id title url summary firstPublishedAt
        coverImage { rendition(width: 640) { url width height } }
        categories { name slug } tags { name } } } }""",
    "article": """query ($slug: String) { newsArticle(locale: "zh-hans", slug: $slug) {
      id title url summary firstPublishedAt viewCount
      body { blockType ... on RichTextBlock { value } }
      categories { name } authors { name }
      translations { locale title url }
      previousArticle { title url } nextArticle { title url }
      relatedArticles { title url } } }""",
}
PREPARE = f"""
from home.models import HomePage
from newsroom.models import NewsArticlePage
first = NewsArticlePage.objects.filter(locale__language_code="zh-hans").first()
for number in range(1, {ARTICLES}):
    first.copy(update_attrs={{"slug": f"load-{{number}}",
                             "title": f"{{first.title}} {{number}}"}}, keep_live=True)
print(first.slug)
"""


def manage(*args):
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(fresh):
    """The benchmark database (made unless it exists); the article's slug."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        if not exists or fresh:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
            print(f"Making {DATABASE}: migrate, load_demo, {ARTICLES} articles ...")
            manage("migrate", "--noinput")
            manage("load_demo")
            manage("shell", "--no-imports", "-c", PREPARE)
    manage("collectstatic", "--noinput")
    with psycopg.connect(f"{SERVER}/{DATABASE}") as db:
        (slug,) = db.execute(
            "SELECT p.slug FROM wagtailcore_page p JOIN wagtailcore_locale l"
            " ON l.id = p.locale_id JOIN newsroom_newsarticlepage n"
            " ON n.page_ptr_id = p.id WHERE l.language_code = 'zh-hans'"
            " ORDER BY p.id LIMIT 1"
        ).fetchone()
    return slug


def post(body):
    request = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{PORT}/graphql/",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def start(name, env=None):
    """Server `name` on PORT, once it answers /healthz; `env` adds to ENV. A
    server left on PORT by an interrupted run would be measured instead: refused."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).close()  # noqa: S310
    except OSError:
        pass
    else:
        sys.exit(f"Something already answers on port {PORT}: stop it first.")
    process = subprocess.Popen(  # noqa: S603
        [*SERVERS[name], *ADDRESS[name]],
        cwd=PROJECT,
        env={**os.environ, **ENV, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.monotonic()
    while time.monotonic() - started < 120:
        if process.poll() is not None:
            sys.exit(f"{name} exited with status {process.returncode}")
        try:
            urllib.request.urlopen(  # noqa: S310
                f"http://127.0.0.1:{PORT}/healthz", timeout=2
            ).close()
            return process
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{name} did not answer /healthz within 120 s")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


SECONDS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * SECONDS[unit]


def wrk(body, duration, connections, method="POST", path="/graphql/", headers=None):
    """(requests per second, p50 ms, p99 ms, failed responses) from wrk: `body`
    sent with `method` to `path` (a GET sends no body), with `headers`."""
    headers = dict(headers or {})
    lines = [f'wrk.method = "{method}"']
    if method == "POST":
        headers["Content-Type"] = "application/json"
        lines.append(f"wrk.body = [==[{body}]==]")
    lines += [
        f'wrk.headers["{name}"] = [==[{value}]==]' for name, value in headers.items()
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        output = subprocess.run(  # noqa: S603
            [shutil.which("wrk"), "-t2", f"-c{connections}", f"-d{duration}s"]
            + ["--latency", "--timeout", "10s", "-s", script.name]
            + [f"http://127.0.0.1:{PORT}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    problems = (f"{failed.group(1)} non-2xx " if failed else "") + (
        errors.group(1) if errors else ""
    )
    return rate, p50, p99, problems.strip()


def arguments(description, parser=None):
    """The options every wrk benchmark takes (and `parser`'s own), once wrk is
    known to be installed."""
    parser = parser or argparse.ArgumentParser()
    parser.description = description.split("\n\n")[0]
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")
    return options


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--servers", nargs="+", default=["production", "development"], choices=SERVERS
    )
    options = arguments(__doc__, parser)
    slug = prepare(options.fresh)
    bodies = {
        name: json.dumps({"query": query, "variables": {"slug": slug}})
        for name, query in QUERIES.items()
    }
    print(
        f"{options.connections} connections, {options.duration} s each, "
        f"{os.cpu_count()} CPUs\n"
    )
    print(f"{'server':<12} {'query':<13} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    first = {}
    for server in options.servers:
        process = start(server)
        try:
            started = time.monotonic()
            post(bodies["news listing"])
            first[server] = (time.monotonic() - started) * 1000
            for query, body in bodies.items():
                status, answer = post(body)
                assert status == 200 and "errors" not in answer, answer
                wrk(body, 2, options.connections)
                rate, p50, p99, problems = wrk(
                    body, options.duration, options.connections
                )
                print(
                    f"{server:<12} {query:<13} {rate:>8.1f} {p50:>8.1f} {p99:>8.1f}"
                    + (f"  ({problems})" if problems else ""),
                    flush=True,
                )
        finally:
            stop(process)
    print("\nfirst request after /healthz answered (ms):")
    for server, milliseconds in first.items():
        print(f"{server:<12} {milliseconds:>8.0f}")


if __name__ == "__main__":
    main()
