// Command smoke runs the client matrix's smoke scenario (tests/conformance/test_client_matrix.py) with the
// generated Go client against the server at -url and prints one JSON line summarising what it saw.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

const session = "smoke-session"

type summary struct {
	Configured     string `json:"configured"`
	AllocatedBytes uint64 `json:"allocated_bytes"`
	UpdateSession  string `json:"update_session"`
	UpdateUsed     uint64 `json:"update_used"`
	Freed          bool   `json:"freed"`
	ActiveAfter    uint64 `json:"active_after"`
	ErrorCode      string `json:"error_code"`
}

func run(ctx context.Context, url string) (summary, error) {
	var s summary
	client := memory.NewClient(url)
	configured, err := client.ConfigureSession(ctx, session, memory.ConfigureRequest{UserID: "smoke-user", VMSize: memory.VMSizeMedium})
	if err != nil {
		return s, err
	}
	config, err := configured.Unwrap()
	if err != nil {
		return s, fmt.Errorf("configure: %w", err)
	}
	s.Configured = config.Platform
	allocated, err := client.CreateAllocation(ctx, memory.AllocateRequest{SessionID: session, Size: memory.SizeRequest{Bytes: 64 << 20}, Purpose: memory.MemoryPurposeVMHeap})
	if err != nil {
		return s, err
	}
	allocation, err := allocated.Unwrap()
	if err != nil {
		return s, fmt.Errorf("allocate: %w", err)
	}
	s.AllocatedBytes = allocation.Size.Bytes
	subCtx, cancel := context.WithCancel(ctx)
	updates, err := client.Subscribe(subCtx, session)
	if err != nil {
		cancel()
		return s, fmt.Errorf("subscribe: %w", err)
	}
	for update := range updates {
		if update.SessionID == session {
			s.UpdateSession = string(update.SessionID)
			s.UpdateUsed = update.Snapshot.Used.Bytes
			break
		}
	}
	cancel()
	if s.UpdateSession == "" {
		return s, errors.New("the subscription closed before a memory_update arrived")
	}
	freed, err := client.FreeAllocation(ctx, string(allocation.ID))
	if err != nil {
		return s, err
	}
	if _, err := freed.Unwrap(); err != nil {
		return s, fmt.Errorf("free: %w", err)
	}
	s.Freed = true
	statsResult, err := client.GetStats(ctx, session)
	if err != nil {
		return s, err
	}
	stats, err := statsResult.Unwrap()
	if err != nil {
		return s, fmt.Errorf("stats: %w", err)
	}
	s.ActiveAfter = stats.ActiveAllocations
	again, err := client.FreeAllocation(ctx, string(allocation.ID))
	if err != nil {
		return s, err
	}
	if again.Error == nil {
		return s, errors.New("freeing the allocation twice succeeded")
	}
	s.ErrorCode = string(again.Error.Code)
	return s, nil
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the server's base URL")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := run(ctx, *url)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(s); err != nil {
		log.Fatal(err)
	}
}
