"""Indonesian working-day calendars, SLA rules as data, clocks and deadlines."""

__all__: list[str] = []
