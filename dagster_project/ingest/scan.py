"""Streaming byte-level passes over an export file: hash, encoding, line counting, transcoding.

Everything here reads the file in large chunks (C-speed work per chunk: hashlib, bytes.count,
bytes.isascii, numpy) so a multi-GB file costs about one sequential read. Pure Python, no Dagster.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK = 8 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


class FileFormatError(ValueError):
    """The file cannot be read as a CSV export; the message names the problem (and line where known)."""


@dataclass(frozen=True)
class FileScan:
    sha256: str
    bytes: int
    encoding: str  # "utf-8", "utf-8-sig" (BOM) or "windows-1252"
    newlines: int  # count of b"\n"
    ends_with_newline: bool
    nul_offset: int | None  # first NUL byte (binary content), if any
    bad_utf8_offset: int | None  # first byte that is not valid UTF-8, if any

    @property
    def physical_lines(self) -> int:
        if self.bytes == 0:
            return 0
        return self.newlines + (0 if self.ends_with_newline else 1)


def scan_file(path: Path) -> FileScan:
    """One pass: sha256, size, newline count, binary and UTF-8 validity (decoding only non-ASCII chunks)."""
    digest = hashlib.sha256()
    size = newlines = 0
    last = b""
    nul_offset = bad_offset = None
    decoder = codecs.getincrementaldecoder("utf-8")()
    has_bom = False
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if size == 0:
                has_bom = chunk.startswith(UTF8_BOM)
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            if nul_offset is None and b"\x00" in chunk:
                nul_offset = size + chunk.index(b"\x00")
            if bad_offset is None:
                if chunk.isascii() and decoder.getstate()[0] == b"":
                    pass  # pure ASCII, nothing pending: valid UTF-8, no need to decode
                else:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as error:
                        bad_offset = size + error.start
            size += len(chunk)
            last = chunk[-1:]
    if bad_offset is None and size:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_offset = size - 1
    encoding = "windows-1252" if bad_offset is not None else ("utf-8-sig" if has_bom else "utf-8")
    return FileScan(
        sha256=digest.hexdigest(),
        bytes=size,
        encoding=encoding,
        newlines=newlines,
        ends_with_newline=last == b"\n",
        nul_offset=nul_offset,
        bad_utf8_offset=bad_offset,
    )


def line_of_offsets(path: Path, offsets: list[int]) -> list[int]:
    """1-based line number of each byte offset (counting b"\\n" before it), in one streaming pass."""
    if not offsets:
        return []
    order = np.argsort(np.asarray(offsets, dtype=np.int64), kind="stable")
    wanted = np.asarray(offsets, dtype=np.int64)[order]
    result = np.empty(len(offsets), dtype=np.int64)
    done = 0
    base = 0
    lines_before = 0
    with open(path, "rb") as fh:
        while done < len(wanted):
            chunk = fh.read(CHUNK)
            end = base + len(chunk)
            # offsets inside this chunk (or past EOF once the file is exhausted)
            upto = len(wanted) if not chunk else int(np.searchsorted(wanted, end, side="left"))
            if upto > done:
                nl = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + base
                result[order[done:upto]] = lines_before + np.searchsorted(nl, wanted[done:upto], side="left") + 1
                done = upto
            lines_before += chunk.count(b"\n")
            base = end
            if not chunk:
                break
    return result.tolist()


def _utf8_pair_offset(chunk: bytes) -> int | None:
    """Offset of the first UTF-8 lead byte followed by a continuation byte (vectorised), else None.

    In a file that is not valid UTF-8 such a pair means UTF-8 characters mixed with another encoding
    (in genuine Windows-1252 text it would read as mojibake like 'Ã©', which never appears in names).
    """
    b = np.frombuffer(chunk, dtype=np.uint8)
    hits = np.flatnonzero((b[:-1] >= 0xC2) & (b[:-1] <= 0xF4) & (b[1:] >= 0x80) & (b[1:] <= 0xBF))
    return int(hits[0]) if hits.size else None


def byte_position(path: Path, offset: int) -> str:
    """Where a byte sits, for messages: "line L, column NAME (field F, character C)". Never the value itself.

    Streams up to the offset once (an error path only). The field is counted on the byte's own line, as
    CSV (quotes honoured); a record spanning lines would count from the line start.
    """
    line, line_start, pos = 1, 0, 0
    with open(path, "rb") as fh:
        header = fh.readline()
        fh.seek(0)
        while pos < offset:
            chunk = fh.read(min(CHUNK, offset - pos))
            if not chunk:
                break
            if (count := chunk.count(b"\n")) > 0:
                line += count
                line_start = pos + chunk.rindex(b"\n") + 1
            pos += len(chunk)
        fh.seek(line_start)
        prefix = fh.read(offset - line_start).decode("latin-1")
    field = max(len(next(csv.reader([prefix]), [])), 1)
    names = next(csv.reader([header.decode("latin-1").rstrip("\r\n")]), [])
    name = names[field - 1].strip() if line > 1 and field <= len(names) else ""
    column = f"column {name} (field {field}" if name else f"field {field} ("
    return f"line {line}, {column}{', ' if name else ''}character {len(prefix) + 1})"


def check_text(path: Path, found: FileScan, file_label: str) -> None:
    """Refuse what cannot be CSV text at all: an empty file, or binary content (a NUL byte)."""
    if found.bytes == 0:
        raise FileFormatError(f"{file_label} is empty (0 bytes): expected at least a header row.")
    if found.nul_offset is not None:
        line = line_of_offsets(path, [found.nul_offset])[0]
        raise FileFormatError(
            f"{file_label} is not a CSV text file: binary content (NUL byte) at line {line}, byte {found.nul_offset}."
        )


def transcode_cp1252(path: Path, target: Path, file_label: str, bad_utf8_offset: int | None = None) -> None:
    """Stream a Windows-1252 file into a UTF-8 copy. Refuses bytes undefined in 1252 and files that
    also contain UTF-8 characters (mixed encodings would be mangled either way).

    Messages name the byte that is not UTF-8 (`bad_utf8_offset`, from `scan_file`) by its own line and
    column: the UTF-8 character that betrays a mixed file is often much earlier (e.g. line 2).
    """
    with open(target, "w", encoding="utf-8", newline="") as dst:
        transcode_cp1252_to(path, dst, file_label, bad_utf8_offset)


def transcode_cp1252_to(path: Path, dst, file_label: str, bad_utf8_offset: int | None = None) -> None:
    """`transcode_cp1252` into any text stream (a file, or a StringIO for a small file)."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    offset = 0
    lines = 0
    with open(path, "rb") as src:
        while chunk := src.read(CHUNK):
            if not chunk.isascii():
                mixed = _utf8_pair_offset(chunk)
                if mixed is not None:
                    utf8_line = lines + chunk.count(b"\n", 0, mixed) + 1
                    where = (
                        f" at {byte_position(path, bad_utf8_offset)} (byte {bad_utf8_offset})"
                        if bad_utf8_offset is not None
                        else ""
                    )
                    raise FileFormatError(
                        f"{file_label} mixes encodings: it is not valid UTF-8{where}, yet line {utf8_line} holds a "
                        "UTF-8 character. Re-export the file in one encoding (UTF-8 preferred)."
                    )
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    at = offset + error.start
                    raise FileFormatError(
                        f"{file_label} is neither UTF-8 nor Windows-1252: byte 0x{chunk[error.start]:02X} at "
                        f"{byte_position(path, at)} (byte {at}). Re-export the file as UTF-8."
                    ) from error
            else:
                text = chunk.decode("ascii")
            dst.write(text)
            offset += len(chunk)
            lines += chunk.count(b"\n")


def read_header(path: Path) -> list[str]:
    """The header record of a UTF-8 file (BOM stripped), parsed as CSV; [] when there is none."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            return row
    return []


def allow_large_fields() -> None:
    """Lift the csv module's 128 KB field limit. An unterminated quote makes the rest of the file one
    field: the default limit would end the read in "field larger than field limit" (a traceback) and
    lose the file's rows, instead of the reader reaching the record and saying where it starts."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def csv_records(lines) -> Iterator[tuple[int, int, list[str]]]:
    """(first physical line, last physical line, fields) of every non-blank record, header included,
    from an iterable of lines opened with newline="" (quoted newlines honoured, blank lines skipped
    but counted)."""
    allow_large_fields()
    reader = csv.reader(lines)
    previous = 0
    for row in reader:
        start, previous = previous + 1, reader.line_num
        if row:
            yield start, previous, row


def record_start_lines(path: Path) -> np.ndarray:
    """1-based start line of every non-blank data record (header excluded), honouring quoted newlines.

    The slow path (Python's csv module): only used when records and physical lines do not line up
    (quoted newlines, blank lines, lone CR line endings).
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        starts = [start for start, _, _ in csv_records(fh)][1:]  # blank lines: DuckDB skips them too
    return np.asarray(starts, dtype=np.int64)
