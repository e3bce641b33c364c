"""Region codes, the UU 23/2014 division of affairs, agency directories and the router."""

__all__: list[str] = []
