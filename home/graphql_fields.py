"""GraphQL field declarations (grapple's) that the apps' models and blocks share."""

from grapple.models import GraphQLString


def texts(*names):
    """Non-null GraphQL strings for texts: a text field or block keeps an empty
    text as "", never as null."""
    return [GraphQLString(name, required=True) for name in names]
