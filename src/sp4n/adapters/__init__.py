"""pluggy hooks and the built-in storage, notification and intake adapters."""

__all__: list[str] = []
