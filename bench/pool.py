"""Pool allocate+free cost with 1,000 and with 1,000,000 live allocations, side by side in one run.

O(1) allocation means the cost per operation does not grow with the number of live allocations, so the
figure to read is the ratio between the two columns, not the absolute times (this machine is shared).
Measured twice: the bare TLSF arena (offsets only) and the whole pool (validation, models, bookkeeping).

    .venv/bin/python bench/pool.py [--ops 20000] [--repeats 5] [--sizes 1000,1000000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated" / "python"))

from v6r_memory import (
    AllocateRequest,
    ConfigureRequest,
    MemoryPool,
    MemoryPurpose,
    PoolSettings,
    SizeRequest,
    VmSize,
)
from v6r_memory.pool import Arena

TOTAL = 2 << 30  # a large VM's address space


def steady_state(
    live: int,
    ops: int,
    repeats: int,
    seed: int,
    setup: Callable[[random.Random], object],
    step: Callable[[object, random.Random], None],
) -> float:
    """Median nanoseconds of one allocate+free pair, with `live` allocations held throughout."""
    rng = random.Random(seed)
    state = setup(rng)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(ops):
            step(state, rng)
        samples.append((time.perf_counter_ns() - start) / ops)
    return statistics.median(samples)


def arena_case(
    live: int,
) -> tuple[Callable[[random.Random], object], Callable[[object, random.Random], None]]:
    def setup(rng: random.Random) -> object:
        arena = Arena(TOTAL)
        blocks = []
        for _ in range(live):
            size = rng.randint(1, 1024)
            offset = arena.allocate(size)
            assert offset is not None
            blocks.append((offset, size))
        return arena, blocks

    def step(state: object, rng: random.Random) -> None:
        arena, blocks = state  # type: ignore[misc]
        i = rng.randrange(len(blocks))
        offset, size = blocks[i]
        arena.release(offset, size)
        size = rng.randint(1, 1024)
        blocks[i] = (arena.allocate(size), size)

    return setup, step


def dict_case(
    live: int,
) -> tuple[Callable[[random.Random], object], Callable[[object, random.Random], None]]:
    """The control: one dict delete and one set at the same table size, nothing else. If this grows by
    the same ratio as the arena, the growth is the memory hierarchy (tables outgrowing the caches), not
    the algorithm."""

    def setup(rng: random.Random) -> object:
        keys = [rng.getrandbits(40) for _ in range(live)]
        return dict.fromkeys(keys), keys

    def step(state: object, rng: random.Random) -> None:
        table, keys = state  # type: ignore[misc]
        i = rng.randrange(len(keys))
        del table[keys[i]]
        keys[i] = rng.getrandbits(40)
        table[keys[i]] = None

    return setup, step


def pool_case(
    live: int,
) -> tuple[Callable[[random.Random], object], Callable[[object, random.Random], None]]:
    purposes = list(MemoryPurpose)

    def request(rng: random.Random) -> AllocateRequest:
        return AllocateRequest(
            session_id="bench",
            size=SizeRequest(bytes=rng.randint(1, 1024)),
            purpose=rng.choice(purposes),
        )

    def setup(rng: random.Random) -> object:
        pool = MemoryPool(PoolSettings(max_allocations_per_session=live + 10), clock=lambda: 0)
        pool.configure("bench", ConfigureRequest(user_id="bench", vm_size=VmSize.LARGE)).unwrap()
        ids = [pool.allocate(request(rng)).unwrap().id for _ in range(live)]
        return pool, ids

    def step(state: object, rng: random.Random) -> None:
        pool, ids = state  # type: ignore[misc]
        i = rng.randrange(len(ids))
        pool.free(ids[i]).unwrap()
        ids[i] = pool.allocate(request(rng)).unwrap().id

    return setup, step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20_000, help="allocate+free pairs per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="1000,1000000", help="live allocation counts to compare")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(
        "| what | " + " | ".join(f"{n:,} live" for n in sizes) + " | ratio (largest / smallest) |"
    )
    print("|---|" + "---|" * len(sizes) + "---|")
    for label, case in (
        ("control: dict delete+set, ns", dict_case),
        ("TLSF arena, ns per allocate+free", arena_case),
        ("MemoryPool, ns per allocate+free", pool_case),
    ):
        figures = []
        for n in sizes:
            setup, step = case(n)
            figures.append(steady_state(n, args.ops, args.repeats, 7, setup, step))
        cells = " | ".join(f"{f:,.0f}" for f in figures)
        print(f"| {label} | {cells} | {figures[-1] / figures[0]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
