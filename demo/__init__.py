"""The demo site (`manage.py load_demo`, run by `make run`): three locale trees,
news imported from the old site's samples, the organisation and generated member
companies. It builds on every app, so it is an app of its own above them all
(the layers in pyproject.toml)."""
