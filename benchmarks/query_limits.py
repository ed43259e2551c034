"""What refusing a hostile GraphQL query costs, next to parsing it.

Run from the project folder (no database content needed; SQLite is created in a
temporary file):

    .venv/bin/python benchmarks/query_limits.py

For each hostile query (deep nesting, many aliases, many root fields, a huge
estimated cost, an oversized page, a forbidden order, the same through variable
defaults, introspection twenty times over, a fragment spread 2^40 times written
out, a fragment that spreads itself) it prints the median time
of: graphql-core's `parse` alone; `parse` plus our checks (`cms.api.limits.check`);
and the whole refusal through POST /graphql/ (Django's test client: middleware,
view, JSON answer). The checks run before validation and execution, so a refusal
should cost about what parsing costs, and no SQL is sent.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/query_limits.sqlite3"
)

import django  # noqa: E402

django.setup()

import json  # noqa: E402
import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from graphql import parse  # noqa: E402
from grapple.schema import schema  # noqa: E402

from cms.api import limits  # noqa: E402

REPEAT = 200
HOSTILE = {
    "depth 40": "{ pages { items { " + "children { " * 40 + "id" + " }" * 40 + " } } }",
    "500 aliases": "{ locales { "
    + " ".join(f"a{i}: code" for i in range(500))
    + " } }",
    "200 root fields": "{ "
    + " ".join(f"a{i}: locales {{ code }}" for i in range(200))
    + " }",
    "cost 10^8": "{ pages(perPage: 100) { items { children(limit: 100) { "
    "children(limit: 100) { children(limit: 100) { id } } } } } }",
    "page size 10^6": "{ pages(perPage: 1000000) { totalCount } }",
    "order by password": '{ images(order: "uploaded_by_user__password") { id } }',
    "default $n = 100": "query ($n: PositiveInt = 100, $p: Int = 100) { "
    "pages(perPage: $p) { items { siblings(limit: $n) { siblings(limit: $n) "
    "{ id } } } } }",
    "default order": 'query ($o: String = "-latest_revision__id") '
    "{ pages(order: $o) { totalCount } }",
    "introspection x20": "{ __schema { "
    + " ".join(f"t{i}: types {{ ...T }}" for i in range(20))
    + " } } fragment T on __Type { name fields { ...F } } "
    "fragment F on __Field { name args { name type { name } } type { name } }",
    "fragments 2^40": "{ pages { items { ...F40 } } } "
    "fragment F0 on PageInterface { id } "
    + " ".join(
        f"fragment F{i} on PageInterface {{ children {{ ...F{i - 1} }} "
        f"parent {{ ...F{i - 1} }} }}"
        for i in range(1, 41)
    ),
    "recursive fragment": "{ pages { items { ...F } } } "
    "fragment F on PageInterface { children { ...F } }",
}


def median_ms(function):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 400s are expected
    call_command("migrate", verbosity=0)
    graphql_schema = schema.graphql_schema
    client = Client()
    rows = []
    for name, query in HOSTILE.items():
        body = json.dumps({"query": query})

        def refuse(body=body):
            response = client.post("/graphql/", body, content_type="application/json")
            assert response.status_code == 400, response.content

        with CaptureQueriesContext(connection) as queries:
            refuse()
        parsed = median_ms(lambda query=query: parse(query))
        checked = median_ms(
            lambda query=query: limits.check(graphql_schema, parse(query))
        )
        refused = median_ms(refuse)
        rows.append((name, len(query), parsed, checked, refused, len(queries)))

    print(f"Refusing hostile GraphQL queries: median ms of {REPEAT} runs")
    print()
    header = ("query", "chars", "parse", "parse+check", "refusal via POST", "SQL")
    print(
        f"{header[0]:<18} | {header[1]:>6} | {header[2]:>6} | {header[3]:>11} | "
        f"{header[4]:>16} | {header[5]:>3}"
    )
    print("-" * 74)
    for name, chars, parsed, checked, refused, sql in rows:
        print(
            f"{name:<18} | {chars:>6} | {parsed:>6.2f} | {checked:>11.2f} | "
            f"{refused:>16.2f} | {sql:>3}"
        )
    print()
    print("parse+check / parse and refusal / parse, per query:")
    for name, _chars, parsed, checked, refused, _sql in rows:
        print(f"  {name:<18} {checked / parsed:5.2f}x  {refused / parsed:5.2f}x")


if __name__ == "__main__":
    main()
