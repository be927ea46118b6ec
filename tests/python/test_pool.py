"""The memory pool: placement, errors, statistics, and a stateful property test of its invariants.

The property test recomputes everything it checks from the live allocations alone (gaps, used bytes,
per-purpose totals), never from the pool's own running totals, so a bookkeeping bug cannot hide itself.
"""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from v6r_memory import (
    AllocateRequest,
    ConfigureRequest,
    MemoryErrorCode,
    MemoryLimits,
    MemoryPool,
    MemoryPurpose,
    PoolSettings,
    SizeRequest,
    VmSize,
    memory_size,
)
from v6r_memory.pool import Arena, search_class, size_class

MB = 1 << 20
SMALL = 512 * MB


def request(
    session: str, size: int, purpose: MemoryPurpose = MemoryPurpose.VM_HEAP
) -> AllocateRequest:
    return AllocateRequest(session_id=session, size=SizeRequest(bytes=size), purpose=purpose)


def configured(vm: VmSize = VmSize.SMALL, **settings: int) -> MemoryPool:
    pool = MemoryPool(PoolSettings(**settings), clock=lambda: 1_000)
    assert pool.configure("s", ConfigureRequest(user_id="u", vm_size=vm)).is_ok
    return pool


def gaps(total: int, live: list[tuple[int, int]]) -> list[int]:
    """Sizes of the free gaps between sorted live (offset, size) pairs."""
    out, cursor = [], 0
    for offset, size in sorted(live):
        if offset > cursor:
            out.append(offset - cursor)
        cursor = offset + size
    if cursor < total:
        out.append(total - cursor)
    return out


def test_size_classes_bound_their_blocks() -> None:
    for size in [1, 15, 16, 17, 31, 32, 100, 1000, 4095, 4096, 4097, (1 << 40) + 12345, 2**64 - 1]:
        fl, sl = size_class(size)
        assert 0 <= sl < 16
        sfl, ssl = search_class(size)
        assert (sfl, ssl) >= (fl, sl)
        # Every block in the search class holds `size`: the class's lower bound does.
        lower = ssl if sfl == 0 else (16 + ssl) << (sfl - 1)
        assert lower >= size and size_class(lower) == (sfl, ssl)
        # ... and the size's own class starts at or below it.
        own = sl if fl == 0 else (16 + sl) << (fl - 1)
        assert own <= size


def test_allocations_are_placed_first_fit_from_zero() -> None:
    pool = configured()
    offsets = [pool.allocate(request("s", size)).unwrap().offset for size in (100, 200, 300)]
    assert offsets == [0, 100, 300]


def test_freed_neighbours_merge_into_one_block() -> None:
    arena = Arena(1000)
    a, b, c = arena.allocate(100), arena.allocate(200), arena.allocate(300)
    assert (a, b, c) == (0, 100, 300)
    arena.release(0, 100)
    arena.release(300, 300)
    arena.release(100, 200)
    assert list(arena.free_blocks()) == [(0, 1000)]
    assert arena.fragmentation() == 0.0


def test_error_codes_mean_what_they_say() -> None:
    pool = configured()
    assert pool.allocate(request("nope", 1)).error.code is MemoryErrorCode.SESSION_NOT_FOUND  # type: ignore[union-attr]
    assert pool.allocate(request("s", 0)).error.code is MemoryErrorCode.INVALID_SIZE  # type: ignore[union-attr]
    assert pool.allocate(request("s", SMALL + 1)).error.code is MemoryErrorCode.INVALID_SIZE  # type: ignore[union-attr]

    # Fill with 4 x 128 MB, free the 1st and 3rd: 256 MB free, but no block over 128 MB.
    ids = [pool.allocate(request("s", 128 * MB)).unwrap().id for _ in range(4)]
    pool.free(ids[0])
    pool.free(ids[2])
    frag = pool.allocate(request("s", 200 * MB)).error
    assert frag is not None and frag.code is MemoryErrorCode.FRAGMENTATION_ERROR
    short = pool.allocate(request("s", 300 * MB)).error
    assert short is not None and short.code is MemoryErrorCode.INSUFFICIENT_MEMORY
    snapshot = pool.snapshot("s").unwrap()
    assert snapshot.fragmentation_ratio == 0.5  # 1 - 128 MB / 256 MB

    assert pool.free(ids[0]).error.code is MemoryErrorCode.ALREADY_FREED  # type: ignore[union-attr]
    for unknown in ["alloc-999", "alloc-0", "alloc-01", "x", ""]:
        assert pool.free(unknown).error.code is MemoryErrorCode.INVALID_ALLOCATION, unknown  # type: ignore[union-attr]


def test_hard_limit_and_pool_limits() -> None:
    pool = MemoryPool(PoolSettings(max_sessions=1, max_allocations_per_session=2), clock=lambda: 0)
    limits = MemoryLimits(
        heap_max=memory_size(SMALL),
        stack_max=memory_size(SMALL),
        cache_max=memory_size(SMALL),
        soft_limit=memory_size(SMALL),
        hard_limit=memory_size(100 * MB),
    )
    assert pool.configure(
        "s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL, limits=limits)
    ).is_ok
    assert pool.allocate(request("s", 60 * MB)).is_ok
    over = pool.allocate(request("s", 60 * MB)).error
    assert over is not None and over.code is MemoryErrorCode.LIMIT_EXCEEDED
    assert pool.allocate(request("s", 1)).is_ok
    too_many = pool.allocate(request("s", 1)).error
    assert too_many is not None and too_many.code is MemoryErrorCode.LIMIT_EXCEEDED
    second = pool.configure("t", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL)).error
    assert second is not None and second.code is MemoryErrorCode.LIMIT_EXCEEDED
    resize = pool.configure("s", ConfigureRequest(user_id="u", vm_size=VmSize.LARGE)).error
    assert resize is not None and resize.code is MemoryErrorCode.INVALID_REQUEST


def test_limits_outside_the_total_are_invalid_size() -> None:
    pool = MemoryPool()
    huge = memory_size(SMALL + 1)
    limits = MemoryLimits(
        heap_max=huge, stack_max=huge, cache_max=huge, soft_limit=huge, hard_limit=huge
    )
    error = pool.configure(
        "s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL, limits=limits)
    ).error
    assert error is not None and error.code is MemoryErrorCode.INVALID_SIZE
    assert error.details is not None and error.details.startswith("limits.heap_max")


def test_same_operations_give_the_same_results() -> None:
    def run() -> list[str]:
        pool = configured(VmSize.MEDIUM)
        out = []
        for i in range(300):
            result = pool.allocate(request("s", (i * 7919) % (3 * MB) + 1))
            out.append(result.to_wire())
            if i % 3 == 0 and result.value is not None:
                out.append(pool.free(f"alloc-{i // 2 + 1}").to_wire())
        out.append(pool.snapshot("s").to_wire())
        out.append(pool.stats("s").to_wire())
        return out

    assert run() == run()


def test_listeners_hear_every_change_and_can_leave() -> None:
    pool = MemoryPool(clock=lambda: 0)
    heard: list[str] = []
    remove = pool.add_listener(heard.append)
    pool.configure("s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL))
    allocation = pool.allocate(request("s", 10)).unwrap()
    pool.allocate(request("s", 0))  # an error changes nothing
    pool.free(allocation.id)
    remove()
    pool.allocate(request("s", 10))
    assert heard == ["s", "s", "s"]


def test_threads_keep_the_invariants() -> None:
    pool = configured(VmSize.MEDIUM)

    def work(seed: int) -> None:
        mine: list[str] = []
        for i in range(400):
            if mine and (i + seed) % 3 == 0:
                pool.free(mine.pop()).unwrap()
            else:
                result = pool.allocate(request("s", ((i + 1) * (seed + 3) * 4099) % (2 * MB) + 1))
                if result.value is not None:
                    mine.append(result.value.id)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    session = pool.session("s")
    assert session is not None
    live = [(a.offset, a.size.bytes) for a in session.live.values()]
    check_layout(session.total, live, session.arena)


def check_layout(total: int, live: list[tuple[int, int]], arena: Arena) -> None:
    cursor = 0
    for offset, size in sorted(live):
        assert offset >= cursor, "live allocations overlap"
        cursor = offset + size
    assert cursor <= total
    used = sum(size for _, size in live)
    assert used + arena.free_bytes == total
    assert sorted(size for _, size in arena.free_blocks()) == sorted(gaps(total, live))


class PoolMachine(RuleBasedStateMachine):
    """Random configure, allocate, free and limit changes; every invariant checked after every step."""

    steps = 0  # rules executed, across every run; see the test below

    def __init__(self) -> None:
        super().__init__()
        self.pool = MemoryPool(PoolSettings(max_allocations_per_session=64), clock=lambda: 0)
        self.ids: list[str] = []

    @initialize()
    def configure(self) -> None:
        assert self.pool.configure("s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL)).is_ok

    @rule(
        size=st.one_of(st.integers(1, 64 * MB), st.sampled_from([0, SMALL, SMALL + 1, 2**64 - 1])),
        purpose=st.sampled_from(list(MemoryPurpose)),
    )
    def allocate(self, size: int, purpose: MemoryPurpose) -> None:
        PoolMachine.steps += 1
        session = self.pool.session("s")
        assert session is not None
        live = [(a.offset, a.size.bytes) for a in session.live.values()]
        free = session.total - sum(s for _, s in live)
        used = session.total - free
        result = self.pool.allocate(request("s", size, purpose))
        if result.value is not None:
            assert 0 < size <= session.total and size <= free
            assert result.value.size.bytes == size
            self.ids.append(result.value.id)
            return
        code = result.error.code  # type: ignore[union-attr]
        if not 0 < size <= session.total:
            assert code is MemoryErrorCode.INVALID_SIZE
        elif len(live) >= 64:
            assert code is MemoryErrorCode.LIMIT_EXCEEDED
        elif free < size:
            assert code is MemoryErrorCode.INSUFFICIENT_MEMORY
        elif used + size > session.limits.hard_limit.bytes:
            assert code is MemoryErrorCode.LIMIT_EXCEEDED
        else:
            assert code is MemoryErrorCode.FRAGMENTATION_ERROR
            assert max(gaps(session.total, live), default=0) < size, "a gap would have held it"

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def free(self, data: st.DataObject) -> None:
        PoolMachine.steps += 1
        allocation_id = data.draw(st.sampled_from(self.ids))
        self.ids.remove(allocation_id)
        freed = self.pool.free(allocation_id).unwrap()
        assert freed.freed_at is not None
        again = self.pool.free(allocation_id).error
        assert again is not None and again.code is MemoryErrorCode.ALREADY_FREED

    @rule(limit=st.integers(1, SMALL))
    def set_hard_limit(self, limit: int) -> None:
        PoolMachine.steps += 1
        size = memory_size(SMALL)
        limits = MemoryLimits(
            heap_max=size,
            stack_max=size,
            cache_max=size,
            soft_limit=size,
            hard_limit=memory_size(limit),
        )
        session = self.pool.session("s")
        assert session is not None
        result = self.pool.configure(
            "s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL, limits=limits)
        )
        if limit < session.used:
            assert result.error is not None and result.error.code is MemoryErrorCode.LIMIT_EXCEEDED
        else:
            assert result.is_ok

    @invariant()
    def layout_and_totals(self) -> None:
        session = self.pool.session("s")
        if session is None:
            return
        live = [(a.offset, a.size.bytes) for a in session.live.values()]
        check_layout(session.total, live, session.arena)
        stats = self.pool.stats("s").unwrap()
        assert stats.active_allocations == len(live) == len(self.ids)
        assert stats.current_memory.bytes == sum(size for _, size in live)
        recount: dict[MemoryPurpose, int] = {}
        for a in session.live.values():
            recount[a.purpose] = recount.get(a.purpose, 0) + a.size.bytes
        assert {u.purpose: u.size.bytes for u in stats.usage_by_purpose} == recount
        snapshot = self.pool.snapshot("s").unwrap()
        assert snapshot.used.bytes + snapshot.available.bytes == snapshot.total.bytes
        biggest = max(gaps(session.total, live), default=0)
        expected = 0.0 if snapshot.available.bytes == 0 else 1 - biggest / snapshot.available.bytes
        assert snapshot.fragmentation_ratio == pytest.approx(expected, abs=1e-6)


STEPS_IN_CI = 10_000


def test_pool_state_machine_runs_at_least_10000_steps() -> None:
    """Hypothesis ends many runs early, so run the machine until the steps actually taken reach the goal."""
    PoolMachine.steps = 0
    runs = 0
    while PoolMachine.steps < STEPS_IN_CI:
        run_state_machine_as_test(
            PoolMachine,
            settings=settings(
                max_examples=50,
                stateful_step_count=200,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
        runs += 1
        assert runs < 100, f"only {PoolMachine.steps} steps after {runs} runs"
    assert PoolMachine.steps >= STEPS_IN_CI
