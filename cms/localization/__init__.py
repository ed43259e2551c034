"""Translation workflow: Simplified and Traditional Chinese as two scripts of one
language, English through humans (or a configured service)."""
