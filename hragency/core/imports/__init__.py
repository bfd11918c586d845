"""The one import pipeline for every Excel/CSV upload (DESIGN "Imports and exports").

- ``reading``: ``read_table`` / ``iter_table`` (.xlsx/.xls/.csv), ``RowError``, ``ImportRejected``
- ``base``: ``Importer``, ``Column``, ``RowResult``, the registry by kind
- ``pipeline``: upload, validate, commit, discard (services) and ``batches_for`` (queries)
- ``workbooks``: template and error-report .xlsx
"""

from hragency.core.imports.base import Column, Importer, RowResult, importer_class, register
from hragency.core.imports.reading import (
    MAX_BYTES,
    MAX_ROWS,
    ImportRejected,
    RowError,
    StreamedTable,
    Table,
    iter_table,
    read_table,
    require_columns,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportRejected",
    "Importer",
    "RowError",
    "RowResult",
    "StreamedTable",
    "Table",
    "importer_class",
    "iter_table",
    "read_table",
    "register",
    "require_columns",
]
