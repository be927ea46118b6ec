"""Write the pool traces (tests/conformance/traces/*.json) deterministically.

Run: .venv/bin/python tests/conformance/make_traces.py

A trace is {"name", "settings": {max_sessions, max_allocations_per_session, freed_history}, "steps": [...]},
each step {"op": configure|allocate|free|snapshot|stats|allocations, "args": {...}, "expect": "<envelope>"}.
Step lists are built here from fixed seeds (random mixes of every operation, some of thousands of steps)
plus hand-written cases: fragmentation errors, hard limits, the pool's session and allocation limits,
invalid sizes, already-freed and invalid allocation ids, and reconfiguration.

`expect` is the exact result envelope text (`MemoryResult.to_wire()`) that the generated Python pool gives
for the step, under a fixed clock (every timestamp is CLOCK). Python's results are the recorded reference:
the Python pool's own invariants (placement, merging, error precedence, totals) are proven independently
by tests/python/test_pool.py, so these traces pin every other binding to byte-for-byte identical
behaviour. tests/conformance/test_traces.py replays them through the Python pool and
tests/go/traces_test.go through the Go pool.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "traces"
CLOCK = 1640995200000
KB, MB = 1024, 1024 * 1024
SMALL = 536870912
PURPOSES = [
    "vm-heap",
    "component-stack",
    "asset-cache",
    "jit-code-cache",
    "system-reserved",
    "wasm-linear",
    "network-buffers",
]
LIMIT_NAMES = ("heap_max", "stack_max", "cache_max", "soft_limit", "hard_limit")


def _pool_api() -> Any:
    sys.path.insert(0, str(ROOT / "generated" / "python"))
    try:
        import v6r_memory
    finally:
        sys.path.pop(0)
    return v6r_memory


def run_step(pool: Any, api: Any, step: dict[str, Any]) -> str:
    """The Python pool's result envelope for one step: the reference every runner compares with."""
    op, args = step["op"], step["args"]
    if op == "configure":
        result = pool.configure(args["session_id"], api.ConfigureRequest.from_data(args["request"]))
    elif op == "allocate":
        result = pool.allocate(api.AllocateRequest.from_data(args["request"]))
    elif op == "free":
        result = pool.free(args["allocation_id"])
    elif op in ("snapshot", "stats", "allocations"):
        result = getattr(pool, op)(args["session_id"])
    else:
        raise ValueError(f"unknown op {op!r}")
    text: str = result.to_wire()
    return text


def new_pool(api: Any, settings: dict[str, int]) -> Any:
    return api.MemoryPool(api.PoolSettings(**settings), clock=lambda: CLOCK)


# -- step builders ------------------------------------------------------------------------------


def configure(
    session: str, vm_size: str = "small", limit: int | None = None, **limits: int
) -> dict[str, Any]:
    request: dict[str, Any] = {"user_id": f"user-{session}", "vm_size": vm_size}
    if limit is not None or limits:
        base = limit if limit is not None else VM[vm_size]
        values = {name: limits.get(name, base) for name in LIMIT_NAMES}
        request["limits"] = {
            name: {"bytes": value, "human_readable": "x"} for name, value in values.items()
        }
    return {"op": "configure", "args": {"session_id": session, "request": request}}


VM = {"small": SMALL, "medium": 2 * SMALL, "large": 4 * SMALL}


def allocate(session: str, size: int, purpose: str = "vm-heap") -> dict[str, Any]:
    request = {"session_id": session, "size": {"bytes": size}, "purpose": purpose}
    return {"op": "allocate", "args": {"request": request}}


def free(number: int | str) -> dict[str, Any]:
    ident = number if isinstance(number, str) else f"alloc-{number}"
    return {"op": "free", "args": {"allocation_id": ident}}


def read(op: str, session: str) -> dict[str, Any]:
    return {"op": op, "args": {"session_id": session}}


def reads(session: str) -> list[dict[str, Any]]:
    return [read("snapshot", session), read("stats", session), read("allocations", session)]


DEFAULT = {"max_sessions": 8, "max_allocations_per_session": 1000, "freed_history": 10}


def trace(name: str, steps: list[dict[str, Any]], **settings: int) -> dict[str, Any]:
    return {"name": name, "settings": {**DEFAULT, **settings}, "steps": steps}


# -- hand-written traces ------------------------------------------------------------------------


def fragmentation(block: int, count: int, ask: int, name: str) -> dict[str, Any]:
    """Fill a session with `count` equal blocks (the rest of it in one more), free every other block, ask
    for `ask` bytes: enough are free but no single block holds them."""
    steps = [configure("f")]
    steps += [allocate("f", block) for _ in range(count)]
    rest = SMALL - block * count
    if rest:
        steps.append(allocate("f", rest))
    steps += [free(n) for n in range(1, count + 1, 2)]
    steps += reads("f")
    steps += [allocate("f", ask), allocate("f", block), allocate("f", block // 2 or 1)]
    steps += reads("f")
    return trace(name, steps, max_allocations_per_session=count + 10)


def hand_written() -> list[dict[str, Any]]:
    out = [
        fragmentation(MB, 512, 2 * MB, "fragmentation-1mb-blocks"),
        fragmentation(4 * MB, 128, 4 * MB + 1, "fragmentation-4mb-plus-one"),
        fragmentation(16 * MB, 32, 64 * MB, "fragmentation-16mb-ask-64mb"),
        fragmentation(500_000, 1000, 750_000, "fragmentation-odd-blocks-with-tail"),
    ]
    # merging: free neighbours in various orders, then the whole space is one block again
    steps = [configure("m")] + [allocate("m", 3 * MB + n) for n in range(20)]
    order = [2, 4, 3, 10, 9, 11, 1, 20, 19, 5, 6, 7, 8, 12, 14, 13, 16, 15, 18, 17]
    for n in order:
        steps += [free(n), read("snapshot", "m")]
    steps += [allocate("m", SMALL), *reads("m")]
    out.append(trace("merge-neighbours", steps))
    # hard limit from configure
    steps = [configure("h", limit=10 * MB)]
    steps += [allocate("h", 3 * MB) for _ in range(4)]
    steps += [allocate("h", MB), allocate("h", MB + 1), *reads("h"), free(2), allocate("h", 3 * MB)]
    steps += [allocate("h", 1), *reads("h")]
    out.append(trace("hard-limit", steps))
    steps = [
        configure("h", hard_limit=MB),
        allocate("h", MB),
        allocate("h", 1),
        configure("h", hard_limit=MB - 1),
        configure("h", hard_limit=2 * MB),
        allocate("h", 1),
        *reads("h"),
    ]
    out.append(trace("hard-limit-reconfigure-below-used", steps))
    # invalid limits
    steps = [
        configure("l", limit=0),
        configure("l", limit=SMALL + 1),
        configure("l", hard_limit=0),
        configure("l", cache_max=SMALL + 1),
        configure("l", "medium", limit=SMALL + 1),
        read("snapshot", "l"),
    ]
    out.append(trace("invalid-limits", steps))
    # pool limits
    steps = [configure("a"), allocate("a", 1), *(allocate("a", 1000 + n) for n in range(5))]
    steps += [*reads("a"), free(3), allocate("a", 7), *reads("a")]
    out.append(trace("max-allocations", steps, max_allocations_per_session=5))
    steps = [configure(f"s{n}") for n in range(5)]
    steps += [configure("s0", "medium"), read("snapshot", "s4"), read("stats", "s3")]
    out.append(trace("max-sessions", steps, max_sessions=3))
    # invalid sizes
    steps = [configure("z")]
    steps += [allocate("z", n) for n in (0, SMALL + 1, 2**40, SMALL, 1)]
    steps += [free(1), allocate("z", SMALL + 1), allocate("z", SMALL), *reads("z")]
    out.append(trace("invalid-size", steps))
    # insufficient memory
    steps = [configure("i"), allocate("i", SMALL - 10), allocate("i", 11), allocate("i", 10)]
    steps += [allocate("i", 1), *reads("i")]
    out.append(trace("insufficient-memory", steps))
    # ids
    steps = [configure("d"), allocate("d", 100), allocate("d", 200), free(1), free(1), free(2)]
    steps += [free(2), free(3), free("alloc-0"), free("alloc-01"), free("nope"), free("")]
    steps += [free("alloc-"), free("alloc-1x"), free("ALLOC-1"), free(" alloc-1"), free(99)]
    steps += [allocate("d", 300), free(3), free(3), *reads("d")]
    out.append(trace("already-freed-and-invalid-ids", steps))
    # unknown sessions
    steps = [*reads("ghost"), allocate("ghost", 1), configure("ghost"), allocate("ghost", 1)]
    steps += [*reads("ghost"), read("snapshot", "GHOST")]
    out.append(trace("session-not-found", steps))
    # reconfigure
    steps = [configure("r"), allocate("r", MB, "asset-cache"), configure("r", "medium")]
    steps += [configure("r", "small", limit=SMALL // 2), *reads("r"), free(1)]
    steps += [configure("r", "medium"), *reads("r"), allocate("r", SMALL + 1), *reads("r")]
    steps += [configure("r", "large"), *reads("r"), configure("r", "large"), *reads("r")]
    out.append(trace("reconfigure", steps))
    # freed history
    steps = [configure("q")] + [allocate("q", 10 * (n + 1)) for n in range(12)]
    steps += [free(n) for n in range(12, 0, -1)] + reads("q")
    out.append(trace("freed-history", steps, freed_history=3))
    out.append(trace("freed-history-zero", steps, freed_history=0))
    # purposes
    steps = [configure("p")]
    steps += [allocate("p", 1000 * (n + 1), p) for n, p in enumerate(PURPOSES * 2)]
    steps += reads("p") + [free(n) for n in (1, 3, 8, 10)] + reads("p")
    out.append(trace("purposes", steps))
    # small sizes across size-class boundaries
    steps = [configure("c")]
    steps += [allocate("c", n) for n in [*range(1, 40), 63, 64, 65, 127, 128, 129, 4095, 4096]]
    steps += [free(n) for n in range(1, 48, 3)] + reads("c")
    steps += [allocate("c", n) for n in (1, 2, 15, 16, 17, 31, 33)] + reads("c")
    out.append(trace("size-classes", steps))
    return out


# -- random traces ------------------------------------------------------------------------------


def random_trace(
    api: Any, seed: int, count: int, settings: dict[str, int], sizes: str
) -> dict[str, Any]:
    """Random steps; the pool runs alongside so frees mostly name allocations that are live."""
    rng = random.Random(seed)
    pool = new_pool(api, settings)
    sessions = [f"s-{c}" for c in "abcde"[: rng.randint(1, 5)]]
    issued = 0
    live: list[int] = []
    steps: list[dict[str, Any]] = []
    for session in sessions:
        steps.append(configure(session, rng.choice(["small", "medium"])))
        run_step(pool, api, steps[-1])
    for _ in range(count):
        kind = rng.choices(
            ["configure", "allocate", "free", "snapshot", "stats", "allocations"],
            [2, 50, 35, 5, 5, 1 if count < 1000 else 0.2],
        )[0]
        session = rng.choice([*sessions, "s-unknown"] if rng.random() < 0.05 else sessions)
        if kind == "configure":
            vm = rng.choice(["small", "medium", "large"])
            if rng.random() < 0.3:
                limit = rng.choice([MB, 64 * MB, 256 * MB, SMALL, 0])
                steps.append(configure(session, vm, limit=limit))
            else:
                steps.append(configure(session, vm))
        elif kind == "allocate":
            if sizes == "small":
                size = rng.choice([rng.randrange(1, 64), rng.randrange(1, 4096), 16, 17])
            elif sizes == "equal":
                size = rng.choice([MB, MB, MB, 2 * MB])
            else:
                size = rng.choice(
                    [
                        0,
                        1,
                        rng.randrange(1, 1 << 12),
                        rng.randrange(1, 1 << 20),
                        rng.randrange(1, 1 << 24),
                        rng.randrange(1, 1 << 27),
                        rng.randrange(1, 1 << 29),
                        SMALL + 1,
                    ]
                )
            steps.append(allocate(session, size, rng.choice(PURPOSES)))
            if "value" in json.loads(run_step(pool, api, steps[-1])):
                issued += 1
                live.append(issued)
            continue
        elif kind == "free":
            if live and rng.random() < 0.85:
                number = live.pop(rng.randrange(len(live)))
                steps.append(free(number))
            else:
                choices: list[int | str] = [rng.randint(1, issued + 2), "alloc-0", "bad"]
                steps.append(free(rng.choice(choices)))
        else:
            steps.append(read(kind, session))
        run_step(pool, api, steps[-1])
    for session in sessions:
        steps += reads(session)
    return trace(f"random-{sizes}-{seed:03d}-{count}", steps, **settings)


def random_traces(api: Any) -> list[dict[str, Any]]:
    out = []
    for seed in range(1, 41):
        rng = random.Random(1000 + seed)
        # Two long traces (thousands of operations) and many short ones: the files stay a few MB.
        count = {1: 3000, 2: 2000}.get(seed) or rng.choice([50, 100, 150, 250])
        settings = {
            "max_sessions": rng.choice([2, 4, 8]),
            "max_allocations_per_session": rng.choice([20, 100, 1000, 100_000]),
            "freed_history": rng.choice([0, 1, 5, 100]),
        }
        sizes = ["mixed", "small", "equal"][seed % 3]
        out.append(random_trace(api, seed, count, settings, sizes))
    return out


def render(t: dict[str, Any]) -> str:
    """One step a line: small diffs, readable files."""
    head = json.dumps({"name": t["name"], "settings": t["settings"]}, ensure_ascii=False)[:-1]
    lines = [json.dumps(step, ensure_ascii=False, separators=(",", ":")) for step in t["steps"]]
    return head + ', "steps": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    api = _pool_api()
    traces = hand_written() + random_traces(api)
    names = [t["name"] for t in traces]
    assert len(set(names)) == len(names), "trace names must be unique"
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    total = 0
    for t in traces:
        pool = new_pool(api, t["settings"])
        for step in t["steps"]:
            step["expect"] = run_step(pool, api, step)
        total += len(t["steps"])
        (OUT / f"{t['name']}.json").write_text(render(t), encoding="utf-8")
    print(f"wrote {len(traces)} traces, {total} steps, to {OUT}")


if __name__ == "__main__":
    main()
