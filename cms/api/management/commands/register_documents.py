"""`manage.py register_documents`: a frontend's build registers the GraphQL
documents it sends, for trusted-documents mode (CMS_TRUSTED_DOCUMENTS,
cms.api.persisted).

Takes any mix of:

- Apollo's `persisted-query-manifest.json` (`@apollo/generate-persisted-query-
  manifest`): `{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id", "name", "type", "body"}]}`;
- graphql-codegen's `persisted-documents.json` (client preset,
  `persistedDocuments: {hashAlgorithm: "sha256"}`): `{"<hash>": "<body>"}`;
- `.graphql` files, or folders of them, read together as one set (fragments may
  sit in another file than the operations that spread them, as in
  frontend/operations/). Each named operation is one document: the operation
  followed by the fragments it uses, directly or not, in the order of their
  names, printed by graphql-core (`document_text`); its id is the SHA-256 of
  that text. Each is registered twice: as written, and as Apollo Client sends it
  (`__typename` added to every selection set, `with_typenames`), so Apollo's
  persisted-query link finds it. The command lists each id; `--manifest` writes
  an Apollo manifest of the Apollo forms, from which a frontend takes the text
  or the hash it sends. A client that assembles documents otherwise (another
  fragment order) registers its own manifest instead.

Every document must parse and validate against the current schema, and a
manifest's id must be the SHA-256 of its body; if anything is wrong, nothing is
written and the error names the file and the operation.
"""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from graphene_django.settings import graphene_settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    validate,
    visit,
)

from cms.api.models import TrustedDocument
from cms.api.persisted import DOCUMENT_ID_PREFIX, digest

APOLLO_FORMAT = "apollo-persisted-query-manifest"
GRAPHQL_SUFFIXES = (".graphql", ".gql")
# A key of graphql-codegen's persisted-documents.json: a hash, in hexadecimal.
CODEGEN_KEY = re.compile(r"(sha256:)?[0-9a-fA-F]+")


class Invalid(Exception):
    """One thing wrong with the input; the command gathers them all."""


class Candidate:
    """A document to register, with where it came from for messages."""

    def __init__(self, source, name, body, sha256=None, apollo=False):
        self.source = source
        self.name = name
        self.body = body
        self.apollo = apollo  # the form Apollo Client sends (`with_typenames`)
        self.type = "query"  # set by `check`
        self.sha256 = digest(body)
        if sha256 is not None and sha256.lower() != self.sha256:
            raise Invalid(
                f"{self}: the id {sha256} is not the SHA-256 of the body "
                f"({self.sha256}); hash documents with SHA-256 (graphql-codegen: "
                "persistedDocuments.hashAlgorithm 'sha256')."
            )

    def __str__(self):
        return f"{self.source}, operation {self.name or '(anonymous)'}"


def spreads(node):
    """Names of the fragments `node` spreads."""
    found = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread, *_args):
            found.add(spread.name.value)

    visit(node, Spreads())
    return found


def with_typenames(node):
    """`node` with `__typename` added as Apollo Client's cache adds it before a
    document is sent (its `addTypenameToDocument`): to every selection set but
    an operation's own, unless the set already selects `__typename` or another
    `__` field. Its persisted-query hashes are of that text."""

    class AddTypename(Visitor):
        def enter_selection_set(self, selection_set, _key, parent, *_args):
            if isinstance(parent, OperationDefinitionNode):
                return None
            if any(
                isinstance(s, FieldNode) and s.name.value.startswith("__")
                for s in selection_set.selections
            ):
                return None
            typename = FieldNode(name=NameNode(value="__typename"))
            return SelectionSetNode(selections=(*selection_set.selections, typename))

    return visit(node, AddTypename())


def document_text(operation, fragments):
    """The text of `operation` as a document of its own: with every fragment it
    uses (by name in `fragments`), sorted by name, printed by graphql-core."""
    used, waiting = {}, spreads(operation)
    while waiting:
        name = waiting.pop()
        if name in used:
            continue
        if name not in fragments:
            raise Invalid(f"operation {operation.name.value}: no fragment {name}")
        used[name] = fragments[name]
        waiting |= spreads(used[name]) - used.keys()
    definitions = [operation, *(used[name] for name in sorted(used))]
    return print_ast(DocumentNode(definitions=definitions))


def graphql_files(paths):
    """Documents of the .graphql files in `paths` (files or folders), read
    together: fragments are shared across them."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in GRAPHQL_SUFFIXES)
        else:
            files.append(path)
    fragments, operations = {}, []
    for path in files:
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, GraphQLError) as error:
            raise Invalid(f"{path}: {error}") from None
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                name = definition.name.value
                if name in fragments:
                    raise Invalid(f"{path}: fragment {name} is defined twice.")
                fragments[name] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise Invalid(f"{path}: every operation needs a name.")
                operations.append((path, definition))
    typed = {name: with_typenames(f) for name, f in fragments.items()}
    candidates = []
    for path, operation in operations:
        name = operation.name.value
        try:
            body = document_text(operation, fragments)
            apollo = document_text(with_typenames(operation), typed)
        except Invalid as error:
            raise Invalid(f"{path}, {error}.") from None
        candidates.append(Candidate(path, name, body))
        candidates.append(Candidate(path, name, apollo, apollo=True))
    return candidates


def manifest(path):
    """Documents of an Apollo or graphql-codegen manifest."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise Invalid(f"{path}: not a JSON manifest ({error}).") from None
    if isinstance(content, dict) and content.get("format") == APOLLO_FORMAT:
        if content.get("version") != 1 or not isinstance(
            content.get("operations"), list
        ):
            raise Invalid(f"{path}: an Apollo manifest of version 1 has operations.")
        candidates = []
        for number, entry in enumerate(content["operations"], 1):
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("id"), str)
                and isinstance(entry.get("body"), str)
            ):
                raise Invalid(f"{path}, operation {number}: no id or body.")
            name = entry.get("name") if isinstance(entry.get("name"), str) else ""
            candidates.append(Candidate(path, name, entry["body"], entry["id"]))
        return candidates
    if isinstance(content, dict) and all(
        CODEGEN_KEY.fullmatch(key) and isinstance(body, str)
        for key, body in content.items()
    ):
        return [
            Candidate(path, "", body, key.removeprefix(DOCUMENT_ID_PREFIX))
            for key, body in content.items()
        ]
    raise Invalid(
        f"{path}: neither an Apollo persisted-query manifest nor graphql-codegen's "
        "persisted-documents.json."
    )


def check(candidate, schema):
    """Parse and validate `candidate` against `schema`; name its operation."""
    try:
        document = parse(candidate.body)
    except GraphQLError as error:
        raise Invalid(f"{candidate}: {error.message}") from None
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    if not operations:
        raise Invalid(f"{candidate}: the document has no operation.")
    if len(operations) == 1:
        candidate.type = operations[0].operation.value
        if not candidate.name and operations[0].name:
            candidate.name = operations[0].name.value
    problems = validate(schema, document)
    if problems:
        raise Invalid(f"{candidate}: {'; '.join(p.message for p in problems)}")


class Command(BaseCommand):
    help = (
        "Register the GraphQL documents a frontend sends (trusted documents, "
        "CMS_TRUSTED_DOCUMENTS): .graphql files or folders, Apollo's "
        "persisted-query-manifest.json, graphql-codegen's persisted-documents.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".graphql files, folders, .json")
        parser.add_argument(
            "--manifest",
            help="Also write the documents (id, name, body) as an Apollo manifest.",
        )

    def handle(self, *args, paths, manifest=None, **options):
        candidates, problems = self.read([Path(p) for p in paths])
        schema = graphene_settings.SCHEMA.graphql_schema
        for candidate in candidates:
            try:
                check(candidate, schema)
            except Invalid as error:
                problems.append(str(error))
        if problems:
            raise CommandError(
                "Nothing was registered:\n" + "\n".join(f"- {p}" for p in problems)
            )
        unique = list({c.sha256: c for c in candidates}.values())
        added = self.register(unique)
        for candidate in unique:
            self.stdout.write(f"{candidate.sha256}  {candidate.name}")
        if manifest:
            self.write_manifest(Path(manifest), unique)
        self.stdout.write(
            f"Registered {added} new documents, {len(unique) - added} registered "
            "already."
        )

    def read(self, paths):
        """Every candidate of `paths`, and what is wrong with them."""
        candidates, problems = [], []
        graphql = [p for p in paths if p.is_dir() or p.suffix in GRAPHQL_SUFFIXES]
        jobs = [(manifest, p) for p in paths if p not in graphql]
        if graphql:
            jobs.append((graphql_files, graphql))
        for reader, argument in jobs:
            try:
                candidates += reader(argument)
            except Invalid as error:
                problems.append(str(error))
        return candidates, problems

    @staticmethod
    @transaction.atomic
    def register(candidates):
        """Save the documents (one per hash) not registered yet; return how
        many."""
        hashes = [c.sha256 for c in candidates]
        known = set(
            TrustedDocument.objects.filter(sha256__in=hashes).values_list(
                "sha256", flat=True
            )
        )
        new = [
            TrustedDocument(
                sha256=c.sha256,
                body=c.body,
                operation_name=c.name[:255],
                source=str(c.source)[-255:],
            )
            for c in candidates
            if c.sha256 not in known
        ]
        TrustedDocument.objects.bulk_create(new)
        return len(new)

    def write_manifest(self, path, candidates):
        """The documents as an Apollo manifest, .graphql files' operations in
        the form Apollo Client sends them (its cache needs `__typename`)."""
        forms = {c.name for c in candidates if c.apollo}
        operations = [
            {"id": c.sha256, "name": c.name, "type": c.type, "body": c.body}
            for c in candidates
            if c.apollo or c.name not in forms
        ]
        content = {"format": APOLLO_FORMAT, "version": 1, "operations": operations}
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"Wrote {path}.")
