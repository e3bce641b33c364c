"""Hook specifications: every extension point of sp4n.

A plugin is any module or object with functions marked ``@sp4n.hookimpl`` whose names match
the specs below; it is discovered through the ``sp4n`` entry-point group or registered with
``pm.register(plugin)``. Hooks receive frozen values only; a plugin answers through its return
value or a ``register`` callback, never by editing an argument. docs/plugins.md documents
each hook with an example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sp4n.adapters._records import ComplaintRow
from sp4n.adapters._spec import _spec
from sp4n.adapters._store import StoreFactory
from sp4n.adapters.blobs._store import BlobStoreFactory
from sp4n.lifecycle import Event

__all__ = [
    "BlobStoreFactory",
    "ChannelFactory",
    "NotifierFactory",
    "RegisterBlobStore",
    "RegisterChannel",
    "RegisterNotifier",
    "RegisterStorage",
    "sp4n_affairs_rows",
    "sp4n_calendar_overlays",
    "sp4n_complaint_transitioned",
    "sp4n_default_store_url",
    "sp4n_directory_entries",
    "sp4n_policy_overrides",
    "sp4n_register_blob_stores",
    "sp4n_register_channels",
    "sp4n_register_notifiers",
    "sp4n_register_storage",
    "sp4n_routing_rules",
]

RegisterStorage = Callable[[str, StoreFactory], None]
"""``register(scheme, factory)``: claims a URL scheme for a storage adapter."""

RegisterBlobStore = Callable[[str, BlobStoreFactory], None]
"""``register(scheme, factory)``: claims a URL scheme for a blob-store adapter."""

NotifierFactory = Callable[[Mapping[str, str]], object]
"""Builds a notifier (an object with ``name`` and ``send(notification)``) from settings."""

RegisterNotifier = Callable[[str, NotifierFactory], None]
"""``register(name, factory)``: adds a notification channel such as ``smtp`` or ``webhook``."""

ChannelFactory = Callable[[Mapping[str, str]], object]
"""Builds an intake channel (turns inbound payloads into submissions) from settings."""

RegisterChannel = Callable[[str, ChannelFactory], None]
"""``register(name, factory)``: adds an intake channel such as ``open311`` or ``email``."""


# ---------------------------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_register_storage(register: RegisterStorage) -> None:
    """Register storage adapters, one per URL scheme.

    :param register: call ``register(scheme, factory)`` for each scheme the plugin handles;
        ``factory(url, *, clock)`` opens a :class:`~sp4n.adapters.Store`. Two plugins claiming
        the same scheme make :meth:`Adapters.storage_factories` raise
        :class:`~sp4n.errors.PluginError`.
    :returns: nothing; registration happens through ``register``.

    Called for every plugin (broadcast).

    Use in adapters: storage plugins (the built-in ``memory``, ``sqlite`` and
    ``postgresql`` adapters use it too).

    .. versionadded:: 0.1
    """


@_spec
def sp4n_register_blob_stores(register: RegisterBlobStore) -> None:
    """Register blob stores (where attachment bytes live), one per URL scheme.

    :param register: call ``register(scheme, factory)`` for each scheme the plugin handles;
        ``factory(url)`` opens a :class:`~sp4n.adapters.blobs.BlobStore`. Two plugins
        claiming the same scheme make :meth:`Adapters.blob_store_factories` raise
        :class:`~sp4n.errors.PluginError`.
    :returns: nothing; registration happens through ``register``.

    Called for every plugin (broadcast).

    Use in adapters: blob-store plugins (the built-in ``memory``, ``file`` and ``s3``
    adapters use it too); :class:`sp4n.testing.BlobStoreContract` is their conformance suite.

    .. versionadded:: 0.1
    """


@_spec(firstresult=True)
def sp4n_default_store_url() -> str | None:
    """Return the store URL to use when the caller names none.

    :returns: a store URL such as ``postgresql://sp4n@db.pemda.go.id/sp4n``, or ``None`` to
        leave the choice to another plugin (the built-in default is ``sqlite:///sp4n.db``).

    Stops at first non-None result.

    Use in adapters: a deployment plugin of a regional government.

    .. versionadded:: 0.1
    """
    return None


# ---------------------------------------------------------------------------------------------
# Notification
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_register_notifiers(register: RegisterNotifier) -> None:
    """Register notification channels (e-mail, webhook, SMS gateway, ...).

    :param register: call ``register(name, factory)``; ``factory(settings)`` returns a
        notifier with a ``name`` and ``send(notification)``. Duplicate names raise
        :class:`~sp4n.errors.PluginError`.
    :returns: nothing; registration happens through ``register``.

    Called for every plugin (broadcast).

    Use in adapters: notification plugins.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_register_channels(register: RegisterChannel) -> None:
    """Register intake channels through which complaints arrive (Open311, e-mail, WhatsApp).

    :param register: call ``register(name, factory)``; ``factory(settings)`` returns the
        channel. Duplicate names raise :class:`~sp4n.errors.PluginError`. A channel that is a
        :class:`~sp4n.adapters.channels.WebhookChannel` is mounted by ``sp4n serve
        --channels FILE`` at ``/channels/<table>`` when the file names it
        (:func:`~sp4n.adapters.channels.load_channels`).
    :returns: nothing; registration happens through ``register``.

    Called for every plugin (broadcast). The built-ins register ``whatsapp`` and ``sms``.

    Use in adapters: intake plugins.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_affairs_rows() -> Sequence[Mapping[str, Any]]:
    """Contribute rows of the division of affairs: which level of government handles a topic.

    :returns: rows shaped like the affairs matrix shipped in ``sp4n.routing`` (keys
        ``topic``, ``level``, ``when``, ``citation``, ``certainty``); an empty sequence for
        none.

    Called for every plugin (broadcast); the router reads the rows of all plugins, built-ins
    first, so a plugin's row for the same topic and condition overrides the shipped one.
    Rows of plugins still on the old name ``sp4n_routing_rules`` come first.

    Use in adapters: a region that assigns an affair differently (e.g. by Perda).

    .. versionadded:: 0.1
       Named ``sp4n_routing_rules`` before (decision 0212).
    """
    return ()


@_spec(
    warn_on_impl=DeprecationWarning(
        "the hook sp4n_routing_rules is deprecated: rename it to sp4n_affairs_rows "
        "(same rows; decision 0212)"
    )
)
def sp4n_routing_rules() -> Sequence[Mapping[str, Any]]:
    """Deprecated name of :func:`sp4n_affairs_rows` (same rows; it warns when implemented).

    :returns: affairs rows, as :func:`sp4n_affairs_rows`.

    Use in adapters: none new; rename an implementation to ``sp4n_affairs_rows``.

    .. versionadded:: 0.1
    .. deprecated:: 0.1
       Renamed ``sp4n_affairs_rows``: the rows are rows of the division of affairs, not the
       router's rules (decision 0212).
    """
    return ()


@_spec
def sp4n_directory_entries(region: str | None) -> Sequence[Mapping[str, Any]]:
    """Contribute agency directory entries (the OPD of a regency, their liaisons).

    :param region: the region code the router is resolving, ``None`` for the whole country.
    :returns: agency rows (keys ``id``, ``name``, ``level``, ``region``, ``topics``); an
        empty sequence for none.

    Called for every plugin (broadcast).

    Use in adapters: a regional government publishing its own agency list.

    .. versionadded:: 0.1
    """
    return ()


# ---------------------------------------------------------------------------------------------
# Calendar and SLA policy
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_calendar_overlays(region: str | None) -> Sequence[Mapping[str, Any]]:
    """Contribute non-working (or extra working) days to the working calendar.

    :param region: the region code the calendar is built for, ``None`` for the national one.
    :returns: overlay rows (keys ``date`` or ``start``/``end``, ``kind`` one of
        ``regional``, ``closure``, ``workday``, ``reason``, ``reason_en``, ``source``,
        ``revision``); an empty sequence for none.

    Called for every plugin (broadcast).

    Use in adapters: a regional holiday decree, an office closure after a flood.

    .. versionadded:: 0.1
    """
    return ()


@_spec
def sp4n_policy_overrides(
    policy: str, region: str | None, agency: str | None
) -> Mapping[str, Mapping[str, Any]] | None:
    """Override fields of SLA rules for a region or agency.

    :param policy: the policy name being loaded (``"lapor"``).
    :param region: region code the policy is loaded for, or ``None``.
    :param agency: agency id the policy is loaded for, or ``None``.
    :returns: ``{rule_id: {field: value}}`` (e.g. ``{"T2": {"length": 3, "citation": ...}}``)
        or ``None`` for no change.

    Called for every plugin (broadcast); results are applied in registration order, so a
    later plugin wins over an earlier one for the same field.

    Use in adapters: a Perda or Perbup that shortens a deadline.

    .. versionadded:: 0.1
    """
    return None


# ---------------------------------------------------------------------------------------------
# Lifecycle observers
# ---------------------------------------------------------------------------------------------


@_spec
def sp4n_complaint_transitioned(
    event: Event, row: ComplaintRow, previous_status: str | None
) -> None:
    """Observe a complaint after an event was stored.

    :param event: the stored event (frozen).
    :param row: the complaint's projection row after the event (frozen).
    :param previous_status: the status before the event, ``None`` for a new complaint.
    :returns: nothing.

    Called for every plugin (broadcast), after the transaction committed. An observer must
    not raise to veto: the event is already stored.

    Use in adapters: dashboards, metrics, search indexing, audit mirrors.

    .. versionadded:: 0.1
    """
