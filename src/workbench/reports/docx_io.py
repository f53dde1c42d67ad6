"""Opening the base template and saving documents without redoing, for every document
of a package, the work that gives the same bytes each time.

Every document starts from the same template, whose styles part alone is 790 KB of
XML (the styles and their "with effects" copy). python-docx reads the template's zip,
parses those styles, then serialises and compresses them again on save: over half of
what an empty document costs, two dozen times per package. Here:

- the template's parts are read from its zip once (per file, size and modification
  time) and each document is built from them;
- its styles are parsed only when a document reads or changes a style (most never do:
  the style ids they ask for by name are cached per template), and an unparsed styles
  part is saved as the very bytes it was read from (only when parsing and serialising
  them gives those bytes back, checked once per template);
- a part whose bytes are one of the template's own is written with the template's
  compressed bytes, deflated once with the level the zip writer would use: the same
  zip entry, byte for byte.
"""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import serialize_part_xml
from docx.opc.package import Unmarshaller
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml
from docx.package import Package
from docx.parts.styles import StylesPart

# Template parts at least this large are kept compressed (the smaller ones cost less to
# compress than to look up).
_PACKED_FROM = 4096

_lock = threading.Lock()
# (path, size, mtime) -> (the template's parts as read, whether its styles may stay unparsed)
_READ: dict[tuple, tuple[PackageReader, bool]] = {}
# a template part's bytes -> those bytes deflated as the zip writer deflates them
_PACKED: dict[bytes, bytes] = {}


class _LazyStylesPart(StylesPart):
    """The styles part, parsed when a document first reads or changes a style; saved
    as the bytes it was read from while it never was."""

    def __init__(self, partname, content_type, blob: bytes, package) -> None:
        Part.__init__(self, partname, content_type, package=package)
        self._read_blob = blob
        self._parsed = None

    @property
    def _element(self):
        if self._parsed is None:
            self._parsed = parse_xml(self._read_blob)
        return self._parsed

    @_element.setter
    def _element(self, element) -> None:
        self._parsed = element

    @property
    def blob(self) -> bytes:
        return self._read_blob if self._parsed is None else serialize_part_xml(self._parsed)

    @classmethod
    def load(cls, partname, content_type, blob, package):
        return cls(partname, content_type, blob, package)


class _LazyStylesFactory(PartFactory):
    """python-docx's part factory, with the styles part parsed when first used."""

    part_type_for = {**PartFactory.part_type_for, CT.WML_STYLES: _LazyStylesPart}


def _deflate(blob: bytes) -> bytes:
    """``blob`` as ``zipfile`` deflates it (default level, raw stream, one write)."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(blob) + packer.flush()


def _read(path: Path) -> tuple[PackageReader, bool]:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _lock:
        found = _READ.get(key)
    if found is not None:
        return found
    reader = PackageReader.from_file(io.BytesIO(path.read_bytes()))
    lazy = True
    for _name, content_type, _reltype, blob in reader.iter_sparts():
        if content_type == CT.WML_STYLES and serialize_part_xml(parse_xml(blob)) != blob:
            lazy = False  # saved unparsed, it would not be what python-docx writes
        if len(blob) >= _PACKED_FROM:
            with _lock:
                if blob not in _PACKED:
                    _PACKED[blob] = _deflate(blob)
    with _lock:
        found = _READ.setdefault(key, (reader, lazy))
    return found


class _Packed:
    """Stands in for the zip writer's compressor: hands over bytes deflated before."""

    def __init__(self, packed: bytes) -> None:
        self._packed = packed

    def compress(self, _data: bytes) -> bytes:
        packed, self._packed = self._packed, b""
        return packed

    def flush(self) -> bytes:
        return b""


class _Zip(zipfile.ZipFile):
    """A zip writer that takes an entry's compressed bytes when they are known."""

    packed: bytes | None = None

    def _open_to_write(self, zinfo, force_zip64=False):
        dest = super()._open_to_write(zinfo, force_zip64)
        if self.packed is not None and hasattr(dest, "_compressor"):
            dest._compressor = _Packed(self.packed)
        self.packed = None
        return dest


class _PackageZip:
    """python-docx's zip package writer, reusing the template parts' compressed bytes."""

    def __init__(self, stream) -> None:
        self._zipf = _Zip(stream, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        if len(blob) >= _PACKED_FROM:
            self._zipf.packed = _PACKED.get(blob)
        self._zipf.writestr(pack_uri.membername, blob)

    def close(self) -> None:
        self._zipf.close()


class _TemplatePackage(Package):
    """A package built from a template's parts: saved as python-docx saves one
    (``OpcPackage.save``), with the template parts' compressed bytes reused."""

    def save(self, pkg_file) -> None:
        parts = self.parts
        for part in parts:
            part.before_marshal()
        writer = _PackageZip(pkg_file)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, self.rels)
        PackageWriter._write_parts(writer, parts)
        writer.close()


def open_document(path: Path) -> DocxDocument:
    """What ``docx.Document(path)`` returns, from parts read once per template file."""
    reader, lazy = _read(path)
    package = _TemplatePackage()
    Unmarshaller.unmarshal(reader, package, _LazyStylesFactory if lazy else PartFactory)
    part = package.main_document_part
    if part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"file '{path}' is not a Word file, content type is '{part.content_type}'")
    return part.document
