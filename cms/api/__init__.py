"""Project-wide GraphQL: what every page type shares, and grapple's locale-blind
pieces replaced by locale-correct ones."""
