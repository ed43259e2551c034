from wagtail.search.apps import WagtailSearchAppConfig


class WagtailSearchConfig(WagtailSearchAppConfig):
    """wagtail.search, with its index updated on the worker: its `ready` connects
    modelsearch's receivers, which `connect_wagtail` then replaces (cms.search's
    own `ready` comes first, too early for that)."""

    def ready(self):
        super().ready()
        from ..signal_handlers import connect_wagtail

        connect_wagtail()
