"""Moved to :mod:`sp4n.regions._names` (decision 0210); this alias keeps the old path working.

``import sp4n.routing._names`` gives the very module ``sp4n.regions._names``, so private names
and patches reach the same objects.
"""

import sys

from sp4n.regions import _names as _moved
from sp4n.regions._names import *  # noqa: F403

sys.modules[__name__] = _moved
