"""What every target's naming shares: a scope that hands out names and reports collisions, and the
characters that must never appear raw in generated source, whatever the language.

Each language's naming.py subclasses Namer with its own `language` and keeps its own rules (case, reserved
words, escapes); only the bookkeeping and the definition of "invisible" live here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from generator.errors import Collector, Location

# Bidi embeddings, overrides and isolates, and the marks that steer them (the "Trojan Source" characters).
BIDI = frozenset(
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)


def invisible(ch: str) -> bool:
    """A character that must never appear raw in generated source: controls, line and paragraph separators
    (which end a line in JavaScript), bidi controls and other format, surrogate, private or unassigned
    characters. A reader cannot see them, and some change what the code means."""
    return ch in BIDI or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


class Namer:
    """Hands out names within one scope (a module, a class, a struct) of one language. A name taken twice
    is an error at the second place naming the first; nothing is renamed silently to make room."""

    language = "?"

    def __init__(self, scope: str, problems: Collector, reserved: Iterable[str] = ()) -> None:
        self.scope = scope
        self.problems = problems
        self.taken: dict[str, tuple[str, Location | None]] = {}
        for name in reserved:
            self.reserve(name, name)

    def reserve(self, name: str, what: str) -> None:
        """A name the generated code itself defines in this scope."""
        self.taken[name] = (what, None)

    def claim(self, name: str, original: str, location: Location) -> str:
        if name not in self.taken:
            self.taken[name] = (original, location)
        elif (other := self.taken[name])[1] is None:
            self.problems.error(
                location,
                f"{original!r} is named {name!r} in {self.language} {self.scope}, which the generated "
                "code defines itself; rename it in the schema",
            )
        else:
            self.problems.error(
                location,
                f"{original!r} and {other[0]!r} (at {other[1]}) are both named {name!r} in "
                f"{self.language} {self.scope}; rename one in the schema",
            )
        return name
