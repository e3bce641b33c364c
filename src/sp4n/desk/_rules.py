"""Renamed to :mod:`sp4n.desk._projection` (decision 0212); this alias keeps the old path.

``import sp4n.desk._rules`` gives the very module ``sp4n.desk._projection``, so private
names and patches reach the same objects.
"""

import sys

from sp4n.desk import _projection as _moved
from sp4n.desk._projection import *  # noqa: F403

sys.modules[__name__] = _moved
