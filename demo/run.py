"""What `make run` shows until the generated server exists: the generated Python package at work.

It imports `v6r_memory` from generated/python, decodes the seed's `memory_update` example, prints the
size and pressure rules, and shows that bad wire data is rejected with a precise path.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated" / "python"))

import pydantic
import v6r_memory as memory

SEED_UPDATE = """{
  "type": "memory_update",
  "session_id": "session-123",
  "snapshot": {
    "timestamp": 1640995200000,
    "session_id": "session-123",
    "platform": "v6r-medium",
    "total": {"bytes": 1073741824, "human_readable": "1.0GB"},
    "used": {"bytes": 536870912, "human_readable": "512.0MB"},
    "available": {"bytes": 536870912, "human_readable": "512.0MB"},
    "fragmentation_ratio": 0.05
  },
  "timestamp": 1640995200000
}"""


def main() -> None:
    update = memory.MemoryUpdate.from_wire(SEED_UPDATE)
    snapshot = update.snapshot
    usage = memory.usage_percentage(snapshot.used.bytes, snapshot.total.bytes)
    print(f"decoded {update.type} for {update.session_id} on {snapshot.platform}")
    print(f"  used {snapshot.used.human_readable} of {snapshot.total.human_readable}: {usage:.1f}%")
    print(f"  pressure: {memory.pressure_level(usage).value}")
    print(f"  re-encoded: {update.to_wire()}")
    for size in memory.VmSize:
        print(f"  {memory.platform_for(size)}: {memory.default_memory_size(size).human_readable}")
    try:
        memory.MemorySize.from_wire('{"bytes": 18446744073709551616, "human_readable": "x"}')
    except pydantic.ValidationError as exc:
        print(f"  2^64 bytes rejected: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}")


if __name__ == "__main__":
    main()
