"""Static files in production: WhiteNoise's compressed, cache-busted storage,
leaving source map comments as they are.

Django's manifest storage rewrites `sourceMappingURL` comments to the hashed
name of the map and fails `collectstatic` when the map is missing; the vendored
GraphiQL assets (cms/api/static/graphiql/) name maps that are not shipped, and
must stay byte for byte as released, since GraphiQL's page loads them with
Subresource Integrity hashes. A browser asks for a map only with its developer
tools open, and then gets a 404.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (extension, tuple(p for p in found if "sourceMappingURL" not in str(p)))
        for extension, found in CompressedManifestStaticFilesStorage.patterns
    )
