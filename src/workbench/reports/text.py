"""One sanitiser for CRM text on its way into a Word, Excel or calendar file.

CRM fields carry what users typed or pasted: a vertical tab in a user name, a form
feed in a meeting channel, a line break in a customer name. XML (Word, Excel) cannot
hold most control characters at all, and a calendar's name or an event's title must
be one line. The low-level writers pass every text through here, so a stray control
character becomes a space instead of a missing document.
"""

from __future__ import annotations

import re

from workbench.models.xmltext import xml_text

_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")


def one_line(value: str) -> str:
    """``value`` as one line (line breaks and tabs become single spaces), XML-safe."""
    return " ".join(_LINE_BREAKS.sub(" ", xml_text(value)).split())
