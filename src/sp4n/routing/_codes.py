"""Moved to :mod:`sp4n.regions._codes` (decision 0210); this alias keeps the old path working.

``import sp4n.routing._codes`` gives the very module ``sp4n.regions._codes``, so private names
and patches reach the same objects.
"""

import sys

from sp4n.regions import _codes as _moved
from sp4n.regions._codes import *  # noqa: F403

sys.modules[__name__] = _moved
