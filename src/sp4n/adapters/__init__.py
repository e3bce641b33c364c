"""pluggy hooks and the built-in adapters: storage first, notification and intake later.

>>> from sp4n.adapters import open_store
>>> store = open_store("memory://")
>>> store.version("no-such-complaint")
0
"""

from sp4n.adapters._copy import CopyReport, copy_store, redact_url
from sp4n.adapters._facts import FactsRow, check_facts_page, report_pages
from sp4n.adapters._manager import (
    BUILTIN_ADAPTERS,
    Adapters,
    PluginInfo,
    describe_plugins,
    plugin_manager,
)
from sp4n.adapters._memory import MemoryStore
from sp4n.adapters._query import RowQuery, as_row_query, query_rows
from sp4n.adapters._records import NEXT_ACTION_UNKNOWN, AppendRequest, ComplaintRow, OutboxMessage
from sp4n.adapters._shapes import ReportShape, check_shapes_args, report_shapes
from sp4n.adapters._spec import NAME, hookimpl
from sp4n.adapters._sql import SCHEMA_VERSION
from sp4n.adapters._store import (
    COUNT_MAX,
    DEFAULT_STORE_URL,
    Store,
    StoreFactory,
    check_after,
    check_append,
    check_batch,
    check_query,
    check_reschedule,
    load_many,
    open_store,
    query_order,
    store_scheme,
)

__all__ = [
    "BUILTIN_ADAPTERS",
    "COUNT_MAX",
    "DEFAULT_STORE_URL",
    "NAME",
    "NEXT_ACTION_UNKNOWN",
    "SCHEMA_VERSION",
    "Adapters",
    "AppendRequest",
    "ComplaintRow",
    "CopyReport",
    "FactsRow",
    "MemoryStore",
    "OutboxMessage",
    "PluginInfo",
    "ReportShape",
    "RowQuery",
    "Store",
    "StoreFactory",
    "as_row_query",
    "check_after",
    "check_append",
    "check_batch",
    "check_facts_page",
    "check_query",
    "check_reschedule",
    "check_shapes_args",
    "copy_store",
    "describe_plugins",
    "hookimpl",
    "load_many",
    "open_store",
    "plugin_manager",
    "query_order",
    "query_rows",
    "redact_url",
    "report_pages",
    "report_shapes",
    "store_scheme",
]
