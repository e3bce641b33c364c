"""Moved to :mod:`sp4n.regions.refresh` (decision 0210); ``python -m sp4n.routing.refresh``
keeps working through this alias.
"""

from sp4n.regions.refresh import DATASET_NAME, build, main

__all__ = ["DATASET_NAME", "build", "main"]

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
