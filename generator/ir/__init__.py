"""Stage 3, the intermediate representation: what a schema means, independent of any language.

`model.py` holds the frozen node classes, `build.py` makes them from validated data (and runs the semantic
checks), `dump.py` turns them into JSON (the `ir` command and its golden), `jsonschema.py` exports the types
as a JSON Schema 2020-12 bundle.
"""

from generator.ir.build import build
from generator.ir.model import Schema

__all__ = ["Schema", "build"]
