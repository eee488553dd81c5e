"""Formula cells an .xlsx holds without a computed value, per sheet.

Excel saves each formula with its last result; a workbook written by a script (or saved with
calculation off) may hold only the formula. calamine reads such a cell as empty, which would turn
a figure the unit did fill in into "indicator missing". Nothing recomputes a unit's formula (its
inputs may sit in another workbook), so the cell is named back to the unit instead. Only .xlsx is
looked at: .xls and .ods always store the result, and a CSV has no formulas. The package has
already passed `package_checks` (size, entries, ratio) when this reads it.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_RELATIONSHIP_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def formulas_without_value(content: bytes) -> dict[str, frozenset[str]]:
    """Sheet name -> references (`C12`) of formula cells with no cached value; sheets without any
    are left out. A package this cannot follow yields {}: calamine has read it, and its reading stands."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            found = {}
            for name, part in _sheet_parts(package).items():
                cells = _uncached_cells(package.read(part))
                if cells:
                    found[name] = cells
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    relationships = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relationships.iter(_PACKAGE_RELATIONSHIP)}
    parts = {}
    for sheet in [*workbook.iter(f"{_MAIN}sheet"), *workbook.iter(f"{_STRICT_MAIN}sheet")]:
        target = targets.get(sheet.get(_RELATIONSHIP_ID) or sheet.get(_STRICT_RELATIONSHIP_ID))
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            parts[sheet.get("name", "")] = path
    return parts


def _uncached_cells(sheet_xml: bytes) -> frozenset[str]:
    if b"<f" not in sheet_xml and b":f" not in sheet_xml:
        return frozenset()  # the usual sheet: no formula at all, no parsing
    cells = set()
    for _, element in ElementTree.iterparse(io.BytesIO(sheet_xml)):
        if element.tag.rpartition("}")[2] != "c":
            continue
        children = {child.tag.rpartition("}")[2]: child for child in element}
        if "f" in children and not (children.get("v") is not None and children["v"].text):
            cells.add(element.get("r", ""))
        element.clear()
    return frozenset(cells)
