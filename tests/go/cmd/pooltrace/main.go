// Command pooltrace runs pool operations read as JSON lines from stdin and prints each result envelope as
// one JSON line, with a fixed clock, so tests/go/test_go_target.py can compare it with the Python pool.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

type op struct {
	Op      string          `json:"op"`
	Session string          `json:"session"`
	ID      string          `json:"id"`
	Body    json.RawMessage `json:"body"`
}

func main() {
	pool := memory.NewMemoryPoolWith(memory.PoolSettings{MaxSessions: 4, MaxAllocationsPerSession: 50, FreedHistory: 5}, func() uint64 { return 1640995200000 })
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var o op
		if err := json.Unmarshal(in.Bytes(), &o); err != nil {
			panic(err)
		}
		var result json.Marshaler
		switch o.Op {
		case "configure":
			var req memory.ConfigureRequest
			if err := json.Unmarshal(o.Body, &req); err != nil {
				panic(err)
			}
			result = pool.Configure(o.Session, req)
		case "allocate":
			var req memory.AllocateRequest
			if err := json.Unmarshal(o.Body, &req); err != nil {
				panic(err)
			}
			result = pool.Allocate(req)
		case "free":
			result = pool.Free(o.ID)
		case "snapshot":
			result = pool.Snapshot(o.Session)
		case "stats":
			result = pool.Stats(o.Session)
		case "allocations":
			result = pool.Allocations(o.Session)
		}
		text, err := result.MarshalJSON()
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(out, "%s\n", text)
	}
}
