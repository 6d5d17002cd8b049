"""Import and export of whole structures: CSV, XLSX, orgreg's own JSON and OS2mo GraphQL JSON.

An import runs in three steps, so a dry run and the real run see exactly the same thing:

1. ``read_file`` turns the bytes into records (one per unit, with the row number a user sees
   in Excel or their editor) and refuses files that are not what they claim to be.
2. ``check`` finds every problem of every record before anything is written: missing or
   duplicate codes, unknown parents, rings, more than one root, empty names, unknown unit
   types, numbers that are not numbers, predecessor shares over 100 % … Each problem carries
   its row number and a Danish sentence. The result is an ``ImportPlan``; with no problems it
   also says what would be created (the dry run).
3. ``import_structure`` writes the plan through ``units.services.bulk.build_structure`` (and
   ``services.get_or_create_unit_type`` for unit types the user chose to create), all in one
   transaction: all or nothing, with history.

Columns are found by header name, Danish or English (see ``COLUMN_ALIASES``). Units are linked
to their parent by code ("overordnet kode"); a file may instead carry its own keys ("nøgle" and
"overordnet nøgle"), which orgreg's exports do when some unit has no code.

One module per task: ``reading`` (formats, detection, ``read_file``) hands the bytes to a
reader per format (``read_csv``, ``read_xlsx``, ``read_json``, ``read_os2mo``), which build
``records``; ``values`` parses cells, ``columns`` names them; ``checking`` (with
``tree_checks``) turns records into a ``plan``; ``preview`` keeps what the page shows of it
(stored with a pending import); ``writing`` writes it; ``exporters`` writes
files that read back to the same tree; ``forms`` is the import page's form.
"""

from .checking import ProgressCallback, check
from .columns import COLUMN_ALIASES, COLUMN_LABELS, TEXT_FIELDS, normalise_header
from .exporters import (
    ComparisonLine,
    ExportTable,
    comparison_filename,
    comparison_lines,
    comparison_xlsx,
    export_table,
    filename,
    structure_csv,
    structure_json,
    structure_xlsx,
)
from .forms import ImportForm
from .plan import ImportPlan, PlannedUnit
from .preview import PREVIEW_PROBLEMS, PREVIEW_UNITS, ImportPreview, PreviewUnit, preview
from .problems import FileRefused, Kind, Problem
from .read_csv import read_csv
from .read_json import JSON_FORMAT_NAME, read_orgreg_json
from .read_os2mo import Os2moOptions, os2mo_source, read_os2mo
from .read_xlsx import read_xlsx
from .reading import FORMATS, MAX_IMPORT_BYTES, detect_format, read_file
from .records import Record, Source
from .values import FORMULA_CHARACTERS, parse_number
from .writing import import_structure, prepare

__all__ = [
    "COLUMN_ALIASES",
    "COLUMN_LABELS",
    "FORMATS",
    "FORMULA_CHARACTERS",
    "JSON_FORMAT_NAME",
    "MAX_IMPORT_BYTES",
    "Os2moOptions",
    "PREVIEW_PROBLEMS",
    "PREVIEW_UNITS",
    "TEXT_FIELDS",
    "ComparisonLine",
    "ExportTable",
    "FileRefused",
    "ImportForm",
    "ImportPlan",
    "ImportPreview",
    "Kind",
    "PlannedUnit",
    "PreviewUnit",
    "Problem",
    "ProgressCallback",
    "Record",
    "Source",
    "check",
    "comparison_filename",
    "comparison_lines",
    "comparison_xlsx",
    "detect_format",
    "export_table",
    "filename",
    "import_structure",
    "normalise_header",
    "os2mo_source",
    "parse_number",
    "prepare",
    "preview",
    "read_csv",
    "read_file",
    "read_orgreg_json",
    "read_os2mo",
    "read_xlsx",
    "structure_csv",
    "structure_json",
    "structure_xlsx",
]
