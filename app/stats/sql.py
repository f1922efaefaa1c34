"""SQL expressions the figures group by: the Asia/Shanghai day and month of a stored
UTC timestamp, the month of a date, and (PostgreSQL) a day's place in a count of working
days, for SQLite and PostgreSQL.

Timestamps are stored as naive UTC; Shanghai is UTC+8 all year (no daylight saving
since 1991), so the local day is the UTC timestamp plus eight hours.
"""

from __future__ import annotations

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_day(FunctionElement):
    """The Shanghai date of a UTC timestamp column.  A date on PostgreSQL, not text:
    grouping by it sorts four-byte dates, not strings under the database's collation."""

    type = Date()
    inherit_cache = True
    name = "local_day"


class local_month(FunctionElement):
    """'YYYY-MM' of a UTC timestamp column, in Shanghai."""

    type = String()
    inherit_cache = True
    name = "local_month"


class date_month(FunctionElement):
    """'YYYY-MM' of a date column."""

    type = String()
    inherit_cache = True
    name = "date_month"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(local_day, "postgresql")
def _local_day_pg(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} + interval '8 hours' AS DATE)"


@compiles(local_month, "sqlite")
def _local_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(local_month, "postgresql")
def _local_month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} + interval '8 hours', 'YYYY-MM')"


@compiles(date_month, "sqlite")
def _date_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(date_month, "postgresql")
def _date_month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class workday_ordinal(FunctionElement):
    """workday_ordinal(day, first, ordinals): the working-day count of `day` read from an
    integer array counted from `first` (ordinals[day - first]), NULL for a day outside
    it.  The difference of two days' ordinals is the working days between them, so that
    durations group by days taken in the database.  PostgreSQL only (on SQLite the
    list would be a JSON text parsed again for every row)."""

    type = Integer()
    inherit_cache = True
    name = "workday_ordinal"


@compiles(workday_ordinal, "postgresql")
def _workday_ordinal_pg(element, compiler, **kw):
    day, first, ordinals = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({ordinals} AS INTEGER[]))[({day}) - CAST({first} AS DATE) + 1]"
