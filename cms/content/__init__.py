"""Content rules every layer shares: which pages readers may see, which edition of
a row stands for it in a chain of locales, preview tokens.

Models use these as much as the GraphQL layer does, so they live below both:
this package imports no GraphQL, admin or search code and no domain app (the
import-linter contracts in pyproject.toml hold that).
"""
