"""Building the plugin manager and the typed facade over its hooks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import import_module
from typing import Any, TypeVar

import attrs
import pluggy

from sp4n.adapters import hookspecs
from sp4n.adapters._records import ComplaintRow
from sp4n.adapters._spec import NAME
from sp4n.adapters._store import DEFAULT_STORE_URL, StoreFactory
from sp4n.errors import InvalidInputError, PluginError
from sp4n.lifecycle import Event

__all__ = ["BUILTIN_ADAPTERS", "Adapters", "PluginInfo", "describe_plugins", "plugin_manager"]

BUILTIN_ADAPTERS: tuple[str, ...] = (
    "sp4n.adapters._memory",
    "sp4n.adapters._sqlite",
    "sp4n.adapters._postgres",
    "sp4n.adapters.blobs._plugin",
    "sp4n.adapters.notifiers._plugin",
    "sp4n.adapters.channels._plugin",
)
"""Modules of the built-in adapters, registered after the entry-point plugins, in this order."""

_T = TypeVar("_T")


def plugin_manager(
    *, load_entrypoints: bool = True, blocked: Iterable[str] = ()
) -> pluggy.PluginManager:
    """Build a plugin manager with sp4n's hooks, the installed plugins and the built-ins.

    :param load_entrypoints: load plugins of the ``sp4n`` entry-point group (tests pass
        ``False`` for a manager with the built-ins only).
    :param blocked: plugin names (entry-point names or built-in module paths) not to load.
    :raises pluggy.PluginValidationError: a plugin implements a hook that does not exist
        (e.g. a misspelled name) or with arguments the spec does not have.
    """
    if isinstance(blocked, str):
        raise InvalidInputError("blocked", blocked, "must be a collection of plugin names")
    pm = pluggy.PluginManager(NAME)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(NAME)
    for module_name in BUILTIN_ADAPTERS:
        if not pm.is_blocked(module_name):
            pm.register(import_module(module_name), name=module_name)
    pm.check_pending()
    return pm


def _call_register(
    hook: pluggy.HookCaller, kind: str, check: Callable[[str], str]
) -> dict[str, tuple[str, Any]]:
    """Run a register-callback hook plugin by plugin; detect duplicate names."""
    found: dict[str, tuple[str, Any]] = {}
    # pluggy calls the most recently registered plugin first; walk in registration order so
    # "first registered" in messages means what it says.
    for impl in hook.get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        plugin_name = impl.plugin_name

        def register(name: str, factory: Any, _plugin: str = plugin_name) -> None:
            key = check(name)
            if not callable(factory):
                raise PluginError(
                    f"plugin {_plugin!r} registered {kind} {name!r} with a factory that is "
                    f"not callable: {factory!r}",
                    plugin=_plugin,
                    name=name,
                )
            if key in found:
                raise PluginError(
                    f"{kind} {key!r} is registered twice: by plugin {found[key][0]!r} and by "
                    f"plugin {_plugin!r}; block one with plugin_manager(blocked=[...])",
                    plugin=_plugin,
                    other=found[key][0],
                    name=key,
                )
            found[key] = (_plugin, factory)

        kwargs = {"register": register}
        impl.function(*[kwargs[arg] for arg in impl.argnames])
    return found


def _name(kind: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise PluginError(f"a {kind} name must be a non-empty string, got {name!r}")
        return name.strip().lower()

    return check


def _rows(results: Sequence[Sequence[Mapping[str, Any]]]) -> tuple[Mapping[str, Any], ...]:
    # pluggy returns results newest plugin first; callers want registration order.
    return tuple(row for result in reversed(results) for row in result)


@attrs.frozen
class Adapters:
    """A typed facade over ``pm.hook``: one keyword-only method per hook.

    Domain code calls these methods instead of ``pm.hook.<name>(...)`` so every call is
    checked by mypy and duplicate registrations are detected in one place.
    """

    pm: pluggy.PluginManager

    @classmethod
    def default(cls) -> Adapters:
        """Facade over a fresh :func:`plugin_manager` (installed plugins + built-ins)."""
        return cls(plugin_manager())

    def storage_factories(self) -> dict[str, StoreFactory]:
        """Return ``{scheme: factory}`` from :func:`hookspecs.sp4n_register_storage`."""
        found = _call_register(
            self.pm.hook.sp4n_register_storage, "storage scheme", _name("storage scheme")
        )
        return {scheme: factory for scheme, (_, factory) in found.items()}

    def storage_plugins(self) -> dict[str, str]:
        """Return ``{scheme: plugin name}``: which plugin handles each storage scheme."""
        found = _call_register(
            self.pm.hook.sp4n_register_storage, "storage scheme", _name("storage scheme")
        )
        return {scheme: plugin for scheme, (plugin, _) in found.items()}

    def blob_store_factories(self) -> dict[str, hookspecs.BlobStoreFactory]:
        """Return ``{scheme: factory}`` from :func:`hookspecs.sp4n_register_blob_stores`."""
        found = _call_register(
            self.pm.hook.sp4n_register_blob_stores, "blob-store scheme", _name("blob-store scheme")
        )
        return {scheme: factory for scheme, (_, factory) in found.items()}

    def blob_store_plugins(self) -> dict[str, str]:
        """Return ``{scheme: plugin name}``: which plugin handles each blob-store scheme."""
        found = _call_register(
            self.pm.hook.sp4n_register_blob_stores, "blob-store scheme", _name("blob-store scheme")
        )
        return {scheme: plugin for scheme, (plugin, _) in found.items()}

    def default_store_url(self) -> str:
        """Return the store URL a deployment plugin chose, else ``sqlite:///sp4n.db``."""
        url: str | None = self.pm.hook.sp4n_default_store_url()
        return url or DEFAULT_STORE_URL

    def notifier_factories(self) -> dict[str, hookspecs.NotifierFactory]:
        """Return ``{name: factory}`` from :func:`hookspecs.sp4n_register_notifiers`."""
        found = _call_register(self.pm.hook.sp4n_register_notifiers, "notifier", _name("notifier"))
        return {name: factory for name, (_, factory) in found.items()}

    def notifier_plugins(self) -> dict[str, str]:
        """Return ``{notifier name: plugin name}``: which plugin provides each notifier."""
        found = _call_register(self.pm.hook.sp4n_register_notifiers, "notifier", _name("notifier"))
        return {name: plugin for name, (plugin, _) in found.items()}

    def channel_factories(self) -> dict[str, hookspecs.ChannelFactory]:
        """Return ``{name: factory}`` from :func:`hookspecs.sp4n_register_channels`."""
        found = _call_register(
            self.pm.hook.sp4n_register_channels, "intake channel", _name("intake channel")
        )
        return {name: factory for name, (_, factory) in found.items()}

    def channel_plugins(self) -> dict[str, str]:
        """Return ``{channel name: plugin name}``: which plugin provides each intake channel."""
        found = _call_register(
            self.pm.hook.sp4n_register_channels, "intake channel", _name("intake channel")
        )
        return {name: plugin for name, (plugin, _) in found.items()}

    def affairs_rows(self) -> tuple[Mapping[str, Any], ...]:
        """Return every plugin's affairs rows, in registration order.

        Rows of the deprecated hook ``sp4n_routing_rules`` come first, then those of
        ``sp4n_affairs_rows``.
        """
        old = _rows(self.pm.hook.sp4n_routing_rules())
        return old + _rows(self.pm.hook.sp4n_affairs_rows())

    def routing_rules(self) -> tuple[Mapping[str, Any], ...]:
        """Deprecated name of :meth:`affairs_rows` (decision 0212)."""
        return self.affairs_rows()

    def directory_entries(self, *, region: str | None = None) -> tuple[Mapping[str, Any], ...]:
        """Return every plugin's agency directory rows for ``region``, in registration order."""
        return _rows(self.pm.hook.sp4n_directory_entries(region=region))

    def calendar_overlays(self, *, region: str | None = None) -> tuple[Mapping[str, Any], ...]:
        """Return every plugin's calendar overlay rows for ``region``, in registration order."""
        return _rows(self.pm.hook.sp4n_calendar_overlays(region=region))

    def policy_overrides(
        self, *, policy: str, region: str | None = None, agency: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """Merge every plugin's overrides as ``{rule_id: {field: value}}``; later plugins win."""
        results = self.pm.hook.sp4n_policy_overrides(policy=policy, region=region, agency=agency)
        merged: dict[str, dict[str, Any]] = {}
        for result in reversed(results):
            for rule_id, fields in result.items():
                merged.setdefault(rule_id, {}).update(fields)
        return merged

    def complaint_transitioned(
        self, *, event: Event, row: ComplaintRow, previous_status: str | None
    ) -> None:
        """Tell every observer that ``event`` was stored and ``row`` is the new projection."""
        self.pm.hook.sp4n_complaint_transitioned(
            event=event, row=row, previous_status=previous_status
        )


@attrs.frozen
class PluginInfo:
    """One loaded plugin, where it came from and the hooks it implements."""

    name: str
    source: str
    """``builtin``, ``entrypoint`` or ``registered`` (added with ``pm.register``)."""
    module: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return attrs.asdict(self, recurse=False) | {"hooks": list(self.hooks)}


def describe_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """List the plugins registered with ``pm`` in registration order."""
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # a blocked name
            continue
        dist = dists.get(id(plugin))
        if dist is not None:
            source = "entrypoint"
        elif name in BUILTIN_ADAPTERS:
            source = "builtin"
        else:
            source = "registered"
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))
        module = getattr(plugin, "__name__", None) or type(plugin).__module__
        infos.append(
            PluginInfo(
                name=name,
                source=source,
                module=str(module),
                distribution=None if dist is None else dist.project_name,
                version=None if dist is None else dist.version,
                hooks=hooks,
            )
        )
    return infos
