"""One sanitiser for CRM text on its way into a Word, Excel or calendar file.

CRM fields carry what users typed or pasted: a vertical tab in a user name, a form
feed in a meeting channel, a line break in a customer name. XML (Word, Excel) cannot
hold most control characters at all, and a calendar's name or an event's title must
be one line. The low-level writers pass every text through here, so a stray control
character becomes a space instead of a missing document.
"""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE/U+FFFF), and DEL, which no one means to print.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")


def xml_text(value: str) -> str:
    """``value`` with every character XML cannot store replaced by a space."""
    return _NOT_XML.sub(" ", value) if _NOT_XML.search(value) else value


def one_line(value: str) -> str:
    """``value`` as one line (line breaks and tabs become single spaces), XML-safe."""
    return " ".join(_LINE_BREAKS.sub(" ", xml_text(value)).split())
