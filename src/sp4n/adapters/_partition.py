"""``postgresql://...?partition=province``: the projection table partitioned by province
(decision 0231).

When sp4n creates the schema of a new database with this option, ``sp4n_complaints`` is
``PARTITION BY RANGE (region)``, one partition per province code (``'61' <= region < '62'``
under the column's ``"C"`` collation) and a default one. PostgreSQL refuses a unique key
on a partitioned table without the partition key, so the row key is
``(complaint_id, region)``; tracking ids stay unique across provinces in an unpartitioned
``sp4n_tracking_ids`` table, filled by a trigger in the same transaction, and a second
creation of a complaint id still fails on the events' primary key. Events and the outbox
are not partitioned.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from sp4n.errors import MalformedStoreUrlError
from sp4n.regions import iter_codes

__all__ = ["PARTITIONINGS", "partition_of", "partitioned_rows", "province_codes"]

PARTITIONINGS = ("province",)
"""The values of the ``partition`` URL option."""

_ROWS = (
    "CREATE TABLE sp4n_complaints ("
    ' complaint_id TEXT COLLATE "C" NOT NULL, tracking_id TEXT COLLATE "C" NOT NULL,'
    " status TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL,"
    ' region TEXT COLLATE "C" NOT NULL, agency TEXT, title TEXT NOT NULL,'
    " visibility TEXT NOT NULL, next_due DATE, updated_at TIMESTAMPTZ NOT NULL,"
    " version INTEGER NOT NULL CHECK (version >= 1),"
    " CONSTRAINT sp4n_complaints_row PRIMARY KEY (complaint_id, region))"
    " PARTITION BY RANGE (region)"
)

_TRACKING = (
    "CREATE TABLE sp4n_tracking_ids ("
    ' tracking_id TEXT COLLATE "C" NOT NULL, complaint_id TEXT COLLATE "C" NOT NULL,'
    " CONSTRAINT sp4n_complaints_tracking_id PRIMARY KEY (tracking_id))",
    "CREATE FUNCTION sp4n_keep_tracking_id() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'UPDATE' THEN"
    "   IF NEW.tracking_id = OLD.tracking_id THEN RETURN NULL; END IF;"
    "   DELETE FROM sp4n_tracking_ids WHERE tracking_id = OLD.tracking_id;"
    "  END IF;"
    "  IF EXISTS (SELECT 1 FROM sp4n_tracking_ids WHERE tracking_id = NEW.tracking_id"
    "   AND complaint_id = NEW.complaint_id) THEN RETURN NULL; END IF;"  # a row that moved
    "  INSERT INTO sp4n_tracking_ids (tracking_id, complaint_id)"
    "   VALUES (NEW.tracking_id, NEW.complaint_id);"
    "  RETURN NULL;"
    " END $$",
    "CREATE TRIGGER sp4n_complaints_tracking AFTER INSERT OR UPDATE OF tracking_id"
    " ON sp4n_complaints FOR EACH ROW EXECUTE FUNCTION sp4n_keep_tracking_id()",
    "CREATE INDEX sp4n_complaints_tracking_id_lookup ON sp4n_complaints (tracking_id)",
)


def province_codes() -> tuple[str, ...]:
    """The two-digit province codes of the bundled Kemendagri dataset, ascending."""
    return tuple(sorted(code for code in iter_codes() if len(code) == 2))


def partitioned_rows(statements: tuple[str, ...]) -> tuple[str, ...]:
    """Schema 1's statements with ``sp4n_complaints`` partitioned by province."""
    out: list[str] = []
    for statement in statements:
        if statement.startswith("CREATE TABLE sp4n_complaints ("):
            out.append(_ROWS)
            for code in province_codes():
                end = f"{int(code) + 1:02d}"
                out.append(
                    f"CREATE TABLE sp4n_complaints_p{code} PARTITION OF sp4n_complaints"
                    f" FOR VALUES FROM ('{code}') TO ('{end}')"
                )
            out.append("CREATE TABLE sp4n_complaints_other PARTITION OF sp4n_complaints DEFAULT")
        elif statement.startswith("CREATE UNIQUE INDEX sp4n_complaints_tracking_id"):
            out.extend(_TRACKING)
        else:
            out.append(statement)
    return tuple(out)


def partition_of(url: str) -> str | None:
    """The ``partition`` option of a PostgreSQL URL (one of :data:`PARTITIONINGS`) or ``None``."""
    found: str | None = None
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key != "partition":
            continue
        if value not in PARTITIONINGS:
            raise MalformedStoreUrlError(
                "db", url, f"partition must be one of {', '.join(PARTITIONINGS)} (got {value!r})"
            )
        found = value
    return found
