"""What the OpenAPI and AsyncAPI targets share: a JSON document file with the generated-file header.

JSON has no comments, and both specifications allow only `x-` extensions beside their own keys at the root,
so the header travels as `x-generated`.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any


def json_document(
    path: PurePosixPath, header: str, document: dict[str, Any]
) -> dict[PurePosixPath, str]:
    """`{path: text}` of the document, its header first, indented, ASCII only, ending with a newline."""
    text = json.dumps({"x-generated": header, **document}, indent=2, ensure_ascii=True) + "\n"
    return {path: text}
