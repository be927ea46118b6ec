package gotests

import (
	"math/rand"
	"sync"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

// checkInvariants: live allocations never overlap each other or a free block, used + free == total,
// and the stats equal a recount of the live allocations.
func checkInvariants(t *testing.T, pool *memory.MemoryPool, session string) {
	t.Helper()
	stats := pool.Stats(session)
	ok := pool.Inspect(session, func(s *memory.Session) {
		type span struct{ start, end uint64 }
		var spans []span
		var used uint64
		purposes := map[memory.MemoryPurpose]uint64{}
		for _, a := range s.Live {
			spans = append(spans, span{a.Offset, a.Offset + a.Size.Bytes})
			used += a.Size.Bytes
			purposes[a.Purpose] += a.Size.Bytes
		}
		var free uint64
		for _, b := range s.Arena.FreeBlocks() {
			spans = append(spans, span{b[0], b[0] + b[1]})
			free += b[1]
		}
		covered := make(map[uint64]bool)
		_ = covered
		// sort by start and check that the spans tile [0, total) exactly
		for i := 1; i < len(spans); i++ {
			for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
				spans[j], spans[j-1] = spans[j-1], spans[j]
			}
		}
		var at uint64
		for _, sp := range spans {
			if sp.start != at {
				t.Fatalf("gap or overlap at %d (next span starts at %d)", at, sp.start)
			}
			at = sp.end
		}
		if at != s.Arena.Total || used+free != s.Arena.Total || s.Used() != used || s.Arena.FreeBytes != free {
			t.Fatalf("used %d + free %d != total %d (arena free %d)", used, free, s.Arena.Total, s.Arena.FreeBytes)
		}
		for p, bytes := range purposes {
			if s.PurposeBytes[p] != bytes {
				t.Fatalf("purpose %s: %d counted, %d recorded", p, bytes, s.PurposeBytes[p])
			}
		}
		if len(purposes) != len(s.PurposeBytes) {
			t.Fatalf("purposes %v != recorded %v", purposes, s.PurposeBytes)
		}
	})
	if !ok || stats.IsErr() {
		t.Fatalf("session %s missing", session)
	}
}

func TestPoolStressUnderRace(t *testing.T) {
	pool := memory.NewMemoryPool()
	sessions := []string{"s-0", "s-1"}
	for _, s := range sessions {
		if r := pool.Configure(s, memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeSmall}); r.IsErr() {
			t.Fatal(r.Error)
		}
	}
	purposes := []memory.MemoryPurpose{memory.MemoryPurposeVMHeap, memory.MemoryPurposeTemporary, memory.MemoryPurposeAssetCache}
	var wg sync.WaitGroup
	var checkMu sync.Mutex
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			var mine []string
			for i := 0; i < 1500; i++ {
				session := sessions[rng.Intn(len(sessions))]
				if len(mine) > 0 && rng.Intn(3) == 0 {
					k := rng.Intn(len(mine))
					if r := pool.Free(mine[k]); r.IsErr() {
						t.Errorf("free %s: %v", mine[k], r.Error)
						return
					}
					mine = append(mine[:k], mine[k+1:]...)
				} else {
					size := uint64(1 + rng.Intn(1<<(4+rng.Intn(20))))
					r := pool.Allocate(memory.AllocateRequest{SessionID: session, Size: memory.SizeRequest{Bytes: size}, Purpose: purposes[rng.Intn(len(purposes))]})
					if r.IsOk() {
						mine = append(mine, r.Value.ID)
					} else if c := r.Error.Code; c != memory.MemoryErrorCodeInsufficientMemory && c != memory.MemoryErrorCodeFragmentationError && c != memory.MemoryErrorCodeLimitExceeded {
						t.Errorf("allocate %d: unexpected %v", size, r.Error)
						return
					}
				}
				if rng.Intn(100) == 0 {
					checkMu.Lock()
					checkInvariants(t, pool, session)
					checkMu.Unlock()
				}
			}
		}(int64(g))
	}
	wg.Wait()
	for _, s := range sessions {
		checkInvariants(t, pool, s)
	}
}
