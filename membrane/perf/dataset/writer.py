"""Streaming rows into the database: COPY on PostgreSQL (psycopg 3), batched
INSERT on SQLite. Ids are set here (`Loader.reserve`), sequences are reset at
the end, and every row count and duration is kept for the report."""

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

# How often (rows) the progress line is refreshed, and the INSERT batch size.
_TICK = 50_000
_BATCH = 2_000


def as_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass
class PartReport:
    name: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


class Loader:
    """The database side of a generation: one per run."""

    def __init__(self, *, stream: TextIO, now: datetime) -> None:
        self.stream = stream
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.parts: list[PartReport] = []
        self.models: list[type[models.Model]] = []
        self._next_ids: dict[type[models.Model], int] = {}
        self._part: PartReport | None = None
        self._part_started = 0.0
        self.triggers_disabled = False

    # Parts ---------------------------------------------------------------

    def start_part(self, name: str) -> None:
        self._part = PartReport(name)
        self.parts.append(self._part)
        self._part_started = time.monotonic()
        self.stream.write(f"[{name}]\n")
        self.stream.flush()

    def end_part(self) -> None:
        assert self._part is not None
        self._part.seconds = round(time.monotonic() - self._part_started, 2)
        rows = sum(self._part.rows.values())
        self.stream.write(
            f"[{self._part.name}] {rows:,} rows in {self._part.seconds:.1f} s "
            f"({rows / max(self._part.seconds, 0.001):,.0f} rows/s)\n"
        )
        self.stream.flush()

    # Ids -----------------------------------------------------------------

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive new ids for `model`."""
        first = self._next_ids.get(model)
        if first is None:
            current = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
            first = current + 1
        self._next_ids[model] = first + count
        return first

    # Writing -------------------------------------------------------------

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Write `rows` (tuples of `columns`, attnames) into `model`'s table;
        its other fields get their default (`now` for auto_now fields)."""
        table = _Table(model, columns, self.now)
        if model not in self.models:
            self.models.append(model)
        started = time.monotonic()
        label = model._meta.label
        counted = self._progress(label, started, rows)
        count = self._copy(table, counted) if self.postgres else self._insert(table, counted)
        assert self._part is not None
        self._part.rows[label] = self._part.rows.get(label, 0) + count
        seconds = time.monotonic() - started
        self.stream.write(
            f"  {label}: {count:,} rows in {seconds:.1f} s "
            f"({count / max(seconds, 0.001):,.0f} rows/s)\n"
        )
        self.stream.flush()
        return count

    def _progress(
        self, label: str, started: float, rows: Iterable[Sequence[Any]]
    ) -> Iterator[Sequence[Any]]:
        for count, row in enumerate(rows, start=1):
            yield row
            if count % _TICK == 0:
                seconds = time.monotonic() - started
                self.stream.write(f"  {label}: {count:,} rows ({count / seconds:,.0f} rows/s)\r")
                self.stream.flush()

    def _copy(self, table: "_Table", rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        extra = table.extra
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        # Names from the models' metadata, quoted: no outside input.
        sql = f"COPY {table.name} ({', '.join(table.quoted)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row((*row, *extra))
                count += 1
        return count

    def _insert(self, table: "_Table", rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        marks = ", ".join(["%s"] * len(table.columns))
        sql = f"INSERT INTO {table.name} ({', '.join(table.quoted)}) VALUES ({marks})"  # noqa: S608
        extra = table.extra
        dates = table.datetime_positions
        adapt = connection.ops.adapt_datetimefield_value
        batch: list[list[Any]] = []
        with connection.cursor() as cursor:
            for row in rows:
                values = [*row, *extra]
                for position in dates:
                    if values[position] is not None:
                        values[position] = adapt(values[position])
                batch.append(values)
                if len(batch) >= _BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    # PostgreSQL ------------------------------------------------------------

    def disable_triggers(self) -> None:
        """Skip the foreign-key triggers while loading (superuser only):
        `check_foreign_keys` then verifies every key in one query per key."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute("SET session_replication_role = replica")
                self.triggers_disabled = True

    def enable_triggers(self) -> None:
        if self.triggers_disabled:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    def check_foreign_keys(self) -> list[str]:
        """Every foreign key of the written tables that points nowhere."""
        broken = []
        with connection.cursor() as cursor:
            for model in self.models:
                for fk in model._meta.concrete_fields:
                    if not isinstance(fk, models.ForeignKey):
                        continue
                    target = fk.target_field
                    child = connection.ops.quote_name(model._meta.db_table)
                    parent = connection.ops.quote_name(fk.related_model._meta.db_table)
                    column = connection.ops.quote_name(str(fk.column))
                    key = connection.ops.quote_name(str(target.column))
                    # Names from the models' metadata, quoted: no outside input.
                    sql = (
                        f"SELECT COUNT(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT "  # noqa: S608
                        f"EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
                    )
                    cursor.execute(sql)
                    row = cursor.fetchone()
                    if row and row[0]:
                        broken.append(f"{model._meta.label}.{fk.name}: {row[0]} rows")
        return broken

    def finish(self) -> None:
        """Reset the sequences past the ids set here; ANALYZE on PostgreSQL."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if self.postgres:
                cursor.execute("ANALYZE")


class _Table:
    def __init__(self, model: type[models.Model], columns: Sequence[str], now: datetime) -> None:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        names = list(columns)
        extra: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.attname in columns:
                continue
            if f.primary_key:
                raise ValueError(f"{model.__name__}: ids are set by the generator")
            value: Any
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.empty_strings_allowed and f.blank:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
            if isinstance(f, models.JSONField):
                value = json.dumps(value)
            names.append(f.attname)
            extra.append(value)
        self.name = connection.ops.quote_name(model._meta.db_table)
        self.columns = [str(by_attname[name].column) for name in names]
        self.quoted = [connection.ops.quote_name(column) for column in self.columns]
        self.extra = tuple(extra)
        self.datetime_positions = [
            i for i, name in enumerate(names) if isinstance(by_attname[name], models.DateTimeField)
        ]
