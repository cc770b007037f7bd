"""A member's data export as files Discord will accept, however long their history.

Discord refuses an upload over the interaction's attachment limit (10 MiB by default), and
a member with years of logged sets passes that as plain JSON. So the export is plain JSON
when it fits, one zip of that JSON when that fits, and otherwise numbered parts, each a
zip of a complete JSON document holding some of the rows — every file opens on its own,
and nothing is left out.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ExportFile", "PackedExport", "describe_size", "pack_export"]

Form = Literal["json", "zip", "parts"]

#: How much larger than the limit a part's JSON may start out: JSON of logged training
#: compresses far better than this, and a part that still comes out too big is split again.
_FIRST_RATIO = 4


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class PackedExport:
    """The files to send, how they were made, and the size of the plain JSON."""

    files: tuple[ExportFile, ...]
    form: Form
    json_size: int


def pack_export(document: dict[str, Any], basename: str, limit: int) -> PackedExport:
    """``document`` as ``basename``.json, .zip, or -part-k-of-n.zip files, each at most ``limit`` bytes.

    ``document["tables"]`` maps table names to lists of rows; everything else in the
    document is repeated in each part, with ``part`` and ``parts`` added.
    """
    if limit <= 0:
        raise ValueError(f"The upload limit must be a number of bytes above 0, not {limit}; e.g. 10485760.")
    plain = _encode(document)
    if len(plain) <= limit:
        return PackedExport((ExportFile(f"{basename}.json", plain),), "json", len(plain))
    zipped = _zip(f"{basename}.json", plain)
    if len(zipped) <= limit:
        return PackedExport((ExportFile(f"{basename}.zip", zipped),), "zip", len(plain))
    budget = limit * _FIRST_RATIO
    while True:
        chunks = list(_chunks(document, budget))
        files = []
        for k, tables in enumerate(chunks, start=1):
            name = f"{basename}-part-{k}-of-{len(chunks)}"
            part = {**document, "part": k, "parts": len(chunks), "tables": tables}
            files.append(ExportFile(f"{name}.zip", _zip(f"{name}.json", _encode(part))))
        if all(len(f.data) <= limit for f in files):
            return PackedExport(tuple(files), "parts", len(plain))
        if budget <= 1:
            raise ValueError("A single row of the export is larger than the upload limit.")
        budget //= 2


def describe_size(size: int) -> str:
    """Bytes as a member reads them: "830 KB", "12.3 MB" (decimal units, as Discord states limits)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def _zip(inner_name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr(inner_name, data)
    return buffer.getvalue()


def _chunks(document: dict[str, Any], budget: int) -> Iterator[dict[str, list[Any]]]:
    """The tables' rows, in order, in groups whose JSON stays near ``budget`` bytes.

    Every table appears in the first part even when empty, so a part-1 reader sees the
    whole shape of the export.
    """
    tables: dict[str, list[Any]] = document.get("tables", {})
    current: dict[str, list[Any]] = {name: [] for name in tables}
    size = 0
    for name, rows in tables.items():
        for row in rows:
            row_size = len(_encode({"r": row}))
            if size and size + row_size > budget:
                yield current
                current, size = {}, 0
            current.setdefault(name, []).append(row)
            size += row_size
    yield current
