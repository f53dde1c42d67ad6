"""Text an XML file can hold: Word and Excel files are XML, and some characters are not allowed."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE/U+FFFF), and DEL, which no one means to print.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML cannot store replaced by a space."""
    return _NOT_XML.sub(" ", value) if _NOT_XML.search(value) else value
