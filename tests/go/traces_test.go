package gotests

// Pool traces: every trace in ../conformance/traces (written by ../conformance/make_traces.py from the
// Python pool's results) is replayed through the Go pool with the same settings and fixed clock; every
// result envelope must equal the recorded one byte for byte.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

const traceClock = 1640995200000

type poolTrace struct {
	Name     string `json:"name"`
	Settings struct {
		MaxSessions              int `json:"max_sessions"`
		MaxAllocationsPerSession int `json:"max_allocations_per_session"`
		FreedHistory             int `json:"freed_history"`
	} `json:"settings"`
	Steps []traceStep `json:"steps"`
}

type traceStep struct {
	Op   string `json:"op"`
	Args struct {
		SessionID    string          `json:"session_id"`
		AllocationID string          `json:"allocation_id"`
		Request      json.RawMessage `json:"request"`
	} `json:"args"`
	Expect string `json:"expect"`
}

func runTraceStep(pool *memory.MemoryPool, step traceStep) (string, error) {
	var result json.Marshaler
	switch step.Op {
	case "configure":
		var req memory.ConfigureRequest
		if err := json.Unmarshal(step.Args.Request, &req); err != nil {
			return "", fmt.Errorf("decoding the configure request: %w", err)
		}
		result = pool.Configure(step.Args.SessionID, req)
	case "allocate":
		var req memory.AllocateRequest
		if err := json.Unmarshal(step.Args.Request, &req); err != nil {
			return "", fmt.Errorf("decoding the allocate request: %w", err)
		}
		result = pool.Allocate(req)
	case "free":
		result = pool.Free(step.Args.AllocationID)
	case "snapshot":
		result = pool.Snapshot(step.Args.SessionID)
	case "stats":
		result = pool.Stats(step.Args.SessionID)
	case "allocations":
		result = pool.Allocations(step.Args.SessionID)
	default:
		return "", fmt.Errorf("unknown op %q", step.Op)
	}
	text, err := result.MarshalJSON()
	return string(text), err
}

func loadTraces(t *testing.T) []poolTrace {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "conformance", "traces", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 50 {
		t.Fatalf("found %d traces in ../conformance/traces, want at least 50", len(paths))
	}
	traces := make([]poolTrace, 0, len(paths))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var tr poolTrace
		if err := json.Unmarshal(data, &tr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		traces = append(traces, tr)
	}
	return traces
}

func TestPoolTraces(t *testing.T) {
	for _, tr := range loadTraces(t) {
		tr := tr
		t.Run(tr.Name, func(t *testing.T) {
			t.Parallel()
			settings := memory.PoolSettings{
				MaxSessions:              tr.Settings.MaxSessions,
				MaxAllocationsPerSession: tr.Settings.MaxAllocationsPerSession,
				FreedHistory:             tr.Settings.FreedHistory,
			}
			pool := memory.NewMemoryPoolWith(settings, func() uint64 { return traceClock })
			for i, step := range tr.Steps {
				actual, err := runTraceStep(pool, step)
				if err != nil {
					t.Fatalf("go: trace %s step %d (%s): %v", tr.Name, i, step.Op, err)
				}
				if actual != step.Expect {
					t.Fatalf("go: trace %s step %d (%s):\n expected: %s\n actual:   %s", tr.Name, i, step.Op, step.Expect, actual)
				}
			}
		})
	}
}
