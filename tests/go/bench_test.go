package gotests

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

// BenchmarkPoolAllocateFree is one allocate and one free of the pool, 1000 other allocations live.
func BenchmarkPoolAllocateFree(b *testing.B) {
	pool := memory.NewMemoryPool()
	pool.Configure("s1", memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeLarge})
	request := memory.AllocateRequest{SessionID: "s1", Size: memory.SizeRequest{Bytes: 4096}, Purpose: memory.MemoryPurposeVMHeap}
	for i := 0; i < 1000; i++ {
		pool.Allocate(request)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := pool.Allocate(request)
		if a.Error != nil {
			b.Fatal(a.Error)
		}
		if f := pool.Free(a.Value.ID); f.Error != nil {
			b.Fatal(f.Error)
		}
	}
}

func benchServer(b *testing.B) (*httptest.Server, *memory.Client) {
	server := memory.NewServer(nil, memory.ServerSettings{})
	ts := httptest.NewServer(server)
	b.Cleanup(func() {
		server.Close()
		ts.Close()
	})
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	return ts, memory.NewClient(ts.URL, memory.WithHTTPClient(&http.Client{Transport: transport}))
}

// BenchmarkRESTHealth is GET /api/v1/health over loopback with keep-alive, from parallel clients.
func BenchmarkRESTHealth(b *testing.B) {
	_, client := benchServer(b)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r, err := client.GetHealth(ctx); err != nil || r.Error != nil {
				b.Fatal(err, r.Error)
			}
		}
	})
}

// BenchmarkRESTAllocateFree is POST allocate then POST free over loopback (two requests per op), from
// parallel clients.
func BenchmarkRESTAllocateFree(b *testing.B) {
	ts, client := benchServer(b)
	ctx := context.Background()
	if r, err := client.ConfigureSession(ctx, "s1", memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeLarge}); err != nil || r.Error != nil {
		b.Fatal(err, r.Error, strings.TrimSpace(ts.URL))
	}
	request := memory.AllocateRequest{SessionID: "s1", Size: memory.SizeRequest{Bytes: 4096}, Purpose: memory.MemoryPurposeVMHeap}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a, err := client.CreateAllocation(ctx, request)
			if err != nil || a.Error != nil {
				b.Fatal(err, a.Error)
			}
			if f, err := client.FreeAllocation(ctx, a.Value.ID); err != nil || f.Error != nil {
				b.Fatal(err, f.Error)
			}
		}
	})
}
