"""Text bound for a terminal: what documents, file names and servers say, made safe to print."""

from __future__ import annotations


def shown(text: object) -> str:
    """``text`` on one printable line: line breaks, ESC (and so every escape sequence it starts), other
    control, format and bidirectional characters and lone surrogates are written as Python escapes
    (``\\n``, ``\\x1b``, ``\\u202e``) instead of acting on the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
