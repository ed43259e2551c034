"""`manage.py register_documents` (trusted documents, cms.api.persisted): .graphql
files and folders, Apollo's and graphql-codegen's manifests, all checked against
the schema before anything is written; then the documents run in
trusted-documents mode."""

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from graphql import parse, print_ast

from cms.api import persisted
from cms.api.models import TrustedDocument

OPERATIONS = Path(__file__).resolve().parents[2] / "frontend" / "operations"
LOCALES = "query Locales {\n  locales {\n    code\n  }\n}"
TAGS = "query Tags {\n  tags {\n    id\n    name\n  }\n}"
INVALID = "query Broken {\n  nosuchfield\n}"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def run(*args):
    out = StringIO()
    call_command("register_documents", *map(str, args), stdout=out)
    return out.getvalue()


def apollo(*operations):
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": identifier, "name": name, "type": "query", "body": body}
            for identifier, name, body in operations
        ],
    }


def write(path, content):
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.fixture(autouse=True)
def forget():
    persisted.LOCAL.clear()
    yield
    persisted.LOCAL.clear()


def registered():
    return dict(TrustedDocument.objects.values_list("operation_name", "sha256"))


def test_graphql_files_share_fragments_across_files(tmp_path, db):
    write(tmp_path / "fragments.graphql", "fragment Code on Locale { code }\n")
    write(
        tmp_path / "Chrome.graphql",
        "query Chrome { locales { ...Code } }\nquery Tags { tags { id } }\n",
    )
    output = run(tmp_path)
    chrome = print_ast(
        parse("query Chrome { locales { ...Code } }\nfragment Code on Locale { code }")
    )
    tags = print_ast(parse("query Tags { tags { id } }"))
    # And each as Apollo Client sends it, with __typename in every selection set
    # but the operation's own.
    chrome_apollo = print_ast(
        parse(
            "query Chrome { locales { ...Code __typename } }\n"
            "fragment Code on Locale { code __typename }"
        )
    )
    tags_apollo = print_ast(parse("query Tags { tags { id __typename } }"))
    bodies = set(TrustedDocument.objects.values_list("body", flat=True))
    assert bodies == {chrome, tags, chrome_apollo, tags_apollo}
    assert f"{sha256(chrome)}  Chrome" in output
    assert f"{sha256(chrome_apollo)}  Chrome" in output
    assert output.endswith("Registered 4 new documents, 0 registered already.\n")
    document = TrustedDocument.objects.get(body=chrome)
    assert document.operation_name == "Chrome"
    assert document.source == str(tmp_path / "Chrome.graphql")
    # Again: nothing new.
    assert "Registered 0 new documents, 4 registered already." in run(
        tmp_path / "Chrome.graphql", tmp_path / "fragments.graphql"
    )
    assert TrustedDocument.objects.count() == 4


def test_apollo_manifest(tmp_path, db):
    manifest = write(
        tmp_path / "persisted-query-manifest.json",
        apollo((sha256(LOCALES), "Locales", LOCALES), (sha256(TAGS), "Tags", TAGS)),
    )
    assert "Registered 2 new documents" in run(manifest)
    assert registered() == {"Locales": sha256(LOCALES), "Tags": sha256(TAGS)}
    assert TrustedDocument.objects.get(operation_name="Tags").body == TAGS


def test_codegen_persisted_documents(tmp_path, db):
    manifest = write(
        tmp_path / "persisted-documents.json",
        {sha256(LOCALES): LOCALES, f"sha256:{sha256(TAGS)}": TAGS},
    )
    assert "Registered 2 new documents" in run(manifest)
    # Codegen names no operation: it is read from the document.
    assert registered() == {"Locales": sha256(LOCALES), "Tags": sha256(TAGS)}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            apollo(
                (sha256(LOCALES), "Locales", LOCALES),
                (sha256(INVALID), "Broken", INVALID),
            ),
            "operation Broken: Cannot query field 'nosuchfield' on type 'Query'.",
        ),
        (
            apollo((sha256(LOCALES), "Locales", LOCALES), ("0" * 40, "Tags", TAGS)),
            "operation Tags: the id 0000000000000000000000000000000000000000 is "
            "not the SHA-256 of the body",
        ),
        (
            {sha256(LOCALES): LOCALES, sha256("query {"): "query {"},
            "operation (anonymous): Syntax Error: Expected Name, found <EOF>.",
        ),
        ({"format": "something else"}, "neither an Apollo persisted-query"),
    ],
)
def test_a_bad_manifest_writes_nothing(tmp_path, db, content, expected):
    manifest = write(tmp_path / "manifest.json", content)
    good = write(tmp_path / "Tags.graphql", TAGS)
    with pytest.raises(CommandError) as raised:
        run(good, manifest)
    message = str(raised.value)
    assert message.startswith("Nothing was registered:")
    assert f"{manifest}" in message and expected in message
    assert not TrustedDocument.objects.exists()


def test_a_bad_graphql_file_writes_nothing(tmp_path, db):
    write(tmp_path / "Chrome.graphql", "query Chrome { locales { ...Missing } }")
    write(tmp_path / "Tags.graphql", TAGS)
    with pytest.raises(CommandError, match=r"Chrome.graphql, operation Chrome: no "):
        run(tmp_path)
    assert not TrustedDocument.objects.exists()


def test_the_frontends_operations_run_in_trusted_mode(tmp_path, client, settings, db):
    """Every operation of frontend/operations registered at once, as a build
    would; one sent by its hash from the written manifest, as Apollo does."""
    output = run(OPERATIONS, "--manifest", tmp_path / "manifest.json")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    names = {operation["name"]: operation for operation in manifest["operations"]}
    assert set(names) == {
        path.stem for path in OPERATIONS.glob("*.graphql") if path.stem != "fragments"
    }
    # Each as written and as Apollo Client sends it; the manifest has Apollo's.
    assert f"Registered {2 * len(names)} new documents" in output
    for operation in names.values():
        assert "__typename" in operation["body"]
        assert TrustedDocument.objects.filter(sha256=operation["id"]).exists()

    settings.CMS_TRUSTED_DOCUMENTS = True
    chrome = names["SiteChrome"]
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": chrome["id"]}}
    response = client.get(
        "/graphql/",
        {
            "operationName": "SiteChrome",
            "variables": json.dumps({"locale": "en"}),
            "extensions": json.dumps(extensions),
        },
    )
    body = response.json()
    assert "errors" not in body, body
    assert [locale["code"] for locale in body["data"]["locales"]] == [
        "zh-hans",
        "zh-hant",
        "en",
    ]
    # With the __typename a normalising cache needs.
    assert body["data"]["locales"][0]["__typename"] == "Locale"
    # The same operation as written in the file (not the registered text) is
    # not registered.
    refused = client.get(
        "/graphql/",
        {
            "query": (OPERATIONS / "SiteChrome.graphql").read_text()
            + (OPERATIONS / "fragments.graphql").read_text(),
            "operationName": "SiteChrome",
            "variables": json.dumps({"locale": "en"}),
        },
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
