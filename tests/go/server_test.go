package gotests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

// snapshotKeys are the keys of a MemoryUsageSnapshot on the wire, exactly as the seed's memory_update has them.
var snapshotKeys = []string{"available", "fragmentation_ratio", "platform", "session_id", "timestamp", "total", "used"}

func startServer(t *testing.T, settings memory.ServerSettings) (*memory.Server, *httptest.Server) {
	t.Helper()
	server := memory.NewServer(nil, settings)
	ts := httptest.NewServer(server)
	t.Cleanup(func() {
		server.Close()
		ts.Close()
	})
	return server, ts
}

type answer struct {
	status int
	body   map[string]json.RawMessage
	header http.Header
}

func send(t *testing.T, method, url string, body string) answer {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	if !strings.HasPrefix(response.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s %s: content type %q: %s", method, url, response.Header.Get("Content-Type"), data)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s %s: %v: %s", method, url, err, data)
	}
	return answer{response.StatusCode, m, response.Header}
}

func errorOf(t *testing.T, a answer) memory.MemoryError {
	t.Helper()
	var e memory.MemoryError
	if len(a.body) != 1 || a.body["error"] == nil {
		t.Fatalf("not an error envelope: %v", a.body)
	}
	if err := json.Unmarshal(a.body["error"], &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func prepare(t *testing.T, api string) {
	t.Helper()
	for _, step := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/sessions/s1/configure", `{"user_id": "u", "vm_size": "small"}`, 200},
		{"POST", "/memory/allocations", `{"session_id": "s1", "size": {"bytes": 1024}, "purpose": "vm-heap"}`, 201},
		{"POST", "/memory/allocations/alloc-1/free", "", 200},
	} {
		if a := send(t, step.method, api+step.path, step.body); a.status != step.status {
			t.Fatalf("%s %s: %d %v", step.method, step.path, a.status, a.body)
		}
	}
}

func TestBadRequestsGetTheSchemaStatusAndCode(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{})
	api := ts.URL + "/api/v1"
	prepare(t, api)
	good := `{"session_id": "s1", "size": {"bytes": 1024}, "purpose": "vm-heap"}`
	with := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	cases := []struct {
		name, method, path, body string
		status                   int
		code, details            string
	}{
		{"malformed JSON", "POST", "/memory/allocations", `{"session_id": `, 400, "invalid-request", "Invalid JSON"},
		{"empty body", "POST", "/memory/allocations", "", 400, "invalid-request", "Invalid JSON"},
		{"not UTF-8", "POST", "/memory/allocations", "{\"session_id\": \"\xff\xfe\"}", 400, "invalid-request", "Invalid JSON"},
		{"deeply nested", "POST", "/memory/allocations", strings.Repeat("[", 5000), 400, "invalid-request", "Invalid JSON"},
		{"not an object", "POST", "/memory/allocations", "[1, 2]", 400, "invalid-request", ""},
		{"string size", "POST", "/memory/allocations", with(`1024`, `"1024"`), 400, "invalid-request", "size.bytes: "},
		{"float size", "POST", "/memory/allocations", with(`1024`, `1.5`), 400, "invalid-request", "size.bytes: "},
		{"bool size", "POST", "/memory/allocations", with(`1024`, `true`), 400, "invalid-request", "size.bytes: "},
		{"negative size", "POST", "/memory/allocations", with(`1024`, `-1`), 400, "invalid-request", "size.bytes: "},
		{"2^64 size", "POST", "/memory/allocations", with(`1024`, `18446744073709551616`), 400, "invalid-request", "size.bytes: "},
		{"huge number", "POST", "/memory/allocations", with(`1024`, "1"+strings.Repeat("0", 4000)), 400, "invalid-request", "size.bytes: "},
		{"unknown purpose", "POST", "/memory/allocations", with(`vm-heap`, `gpu`), 400, "invalid-request", "purpose: "},
		{"missing purpose", "POST", "/memory/allocations", `{"session_id": "s1", "size": {"bytes": 1}}`, 400, "invalid-request", "purpose: "},
		{"bad session id", "POST", "/memory/allocations", with(`"s1"`, `"a b"`), 400, "invalid-request", "session_id: "},
		{"zero size", "POST", "/memory/allocations", with(`1024`, `0`), 422, "invalid-size", ""},
		{"too big for the session", "POST", "/memory/allocations", with(`1024`, `18446744073709551615`), 422, "invalid-size", ""},
		{"unknown session", "POST", "/memory/allocations", with(`"s1"`, `"nobody"`), 404, "session-not-found", ""},
		{"unknown allocation", "POST", "/memory/allocations/alloc-999/free", "", 404, "invalid-allocation", ""},
		{"free twice", "POST", "/memory/allocations/alloc-1/free", "", 409, "already-freed", ""},
		{"long allocation id", "POST", "/memory/allocations/" + strings.Repeat("a", 129) + "/free", "", 400, "invalid-request", "id: "},
		{"snapshot of unknown session", "GET", "/memory/snapshot/nobody", "", 404, "session-not-found", ""},
		{"session id with a space", "GET", "/memory/snapshot/bad%20id", "", 400, "invalid-request", "session_id: "},
		{"session id with a newline", "GET", "/sessions/bad%0A/stats", "", 400, "invalid-request", "session_id: "},
		{"configure with a bad session id", "POST", "/sessions/a%2Fb!/configure", `{"user_id": "u", "vm_size": "small"}`, 400, "invalid-request", "session_id: "},
		{"unknown vm size", "POST", "/sessions/s2/configure", `{"user_id": "u", "vm_size": "huge"}`, 400, "invalid-request", "vm_size: "},
		{"body too large", "POST", "/memory/allocations", strings.Repeat(" ", 64*1024+1), 413, "payload-too-large", ""},
		{"unknown route", "GET", "/nothing/here", "", 404, "not-found", ""},
		{"unknown route under a known one", "GET", "/health/x", "", 404, "not-found", ""},
		{"wrong method", "DELETE", "/health", "", 405, "method-not-allowed", ""},
		{"GET of a POST route", "GET", "/memory/allocations", "", 405, "method-not-allowed", ""},
		{"plain GET of the WebSocket", "GET", "/ws/memory", "", 400, "invalid-request", "this route speaks WebSocket"},
	}
	for _, c := range cases {
		a := send(t, c.method, api+c.path, c.body)
		e := errorOf(t, a)
		if a.status != c.status || string(e.Code) != c.code {
			t.Errorf("%s: got %d %s, want %d %s (%v)", c.name, a.status, e.Code, c.status, c.code, e)
			continue
		}
		if e.Message == "" || e.Timestamp == 0 {
			t.Errorf("%s: incomplete error %v", c.name, e)
		}
		if c.details != "" && (e.Details == nil || !strings.HasPrefix(*e.Details, c.details)) {
			t.Errorf("%s: details %v do not start with %q", c.name, e.Details, c.details)
		}
		if c.status == 405 && a.header.Get("Allow") == "" {
			t.Errorf("%s: no Allow header", c.name)
		}
	}
	// The server still serves.
	if a := send(t, "POST", api+"/memory/allocations", good); a.status != 201 {
		t.Fatalf("after the bad requests: %d %v", a.status, a.body)
	}
}

func TestBodyOfExactlyTheLimitIsAcceptedAndOneMoreIsNot(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{MaxMessageSize: 4096})
	url := ts.URL + "/api/v1/sessions/s1/configure"
	head := `{"user_id": "u", "vm_size": "small", "pad": "`
	body := head + strings.Repeat("x", 4096-len(head)-2) + `"}`
	if a := send(t, "POST", url, body); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	a := send(t, "POST", url, body+" ")
	if e := errorOf(t, a); a.status != 413 || e.Code != memory.MemoryErrorCodePayloadTooLarge || !strings.Contains(*e.Details, "4097") {
		t.Fatalf("%d %v", a.status, e)
	}
}

func TestClientCallsEveryEndpoint(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{})
	ctx := context.Background()
	client := memory.NewClient(ts.URL)
	configured, err := client.ConfigureSession(ctx, "session-123", memory.ConfigureRequest{UserID: "user-456", VMSize: memory.VMSizeMedium})
	if err != nil || configured.Error != nil || configured.Value.Total.HumanReadable != "1.0GB" || configured.Value.Platform != "v6r-medium" {
		t.Fatalf("configure: %v %+v", err, configured)
	}
	allocated, err := client.CreateAllocation(ctx, memory.AllocateRequest{SessionID: "session-123", Size: memory.SizeRequest{Bytes: 512}, Purpose: memory.MemoryPurposeVMHeap})
	if err != nil || allocated.Error != nil || allocated.Value.ID != "alloc-1" || allocated.Value.Size.HumanReadable != "512B" {
		t.Fatalf("allocate: %v %+v", err, allocated)
	}
	snapshot, err := client.GetSnapshot(ctx, "session-123")
	if err != nil || snapshot.Error != nil || snapshot.Value.Used.Bytes != 512 {
		t.Fatalf("snapshot: %v %+v", err, snapshot)
	}
	stats, err := client.GetStats(ctx, "session-123")
	if err != nil || stats.Error != nil || stats.Value.ActiveAllocations != 1 || len(stats.Value.UsageByPurpose) != 1 {
		t.Fatalf("stats: %v %+v", err, stats)
	}
	list, err := client.ListAllocations(ctx, "session-123")
	if err != nil || list.Error != nil || len(list.Value.Allocations) != 1 {
		t.Fatalf("list: %v %+v", err, list)
	}
	status, err := client.GetStatus(ctx)
	if err != nil || status.Error != nil || status.Value.Version != memory.ServiceVersion || status.Value.Sessions != 1 || status.Value.ActiveAllocations != 1 {
		t.Fatalf("status: %v %+v", err, status)
	}
	freed, err := client.FreeAllocation(ctx, "alloc-1")
	if err != nil || freed.Error != nil || freed.Value.FreedAt == nil {
		t.Fatalf("free: %v %+v", err, freed)
	}
	again, err := client.FreeAllocation(ctx, "alloc-1")
	if err != nil || again.Error == nil || again.Error.Code != memory.MemoryErrorCodeAlreadyFreed {
		t.Fatalf("free again: %v %+v", err, again)
	}
	odd, err := client.GetSnapshot(ctx, "a/b c")
	if err != nil || odd.Error == nil || odd.Error.Code != memory.MemoryErrorCodeInvalidRequest {
		t.Fatalf("odd id: %v %+v", err, odd)
	}
	health, err := client.GetHealth(ctx)
	if err != nil || health.Error != nil || health.Value.Status != "ok" {
		t.Fatalf("health: %v %+v", err, health)
	}
	if _, err := memory.NewClient("http://127.0.0.1:1").GetHealth(ctx); err == nil {
		t.Fatal("a transport failure must be an error")
	}
}

func TestClientSubscribeStreamsUpdatesUntilTheContextEnds(t *testing.T) {
	server, ts := startServer(t, memory.ServerSettings{UpdateInterval: time.Hour})
	client := memory.NewClient(ts.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Subscribe(ctx, "nobody"); err == nil || !strings.Contains(err.Error(), "session-not-found") {
		t.Fatalf("subscribe to an unknown session: %v", err)
	}
	server.Pool().Configure("s1", memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeSmall})
	sub, stop := context.WithCancel(ctx)
	updates, err := client.Subscribe(sub, "s1")
	if err != nil {
		t.Fatal(err)
	}
	first := <-updates
	if first.Snapshot.Used.Bytes != 0 {
		t.Fatalf("first update: %+v", first)
	}
	server.Pool().Allocate(memory.AllocateRequest{SessionID: "s1", Size: memory.SizeRequest{Bytes: 4096}, Purpose: memory.MemoryPurposeVMHeap})
	second := <-updates
	if second.Snapshot.Used.Bytes != 4096 {
		t.Fatalf("update after the allocation: %+v", second)
	}
	stop()
	for range updates {
	}
}

// A server restart on the same address: the client's channel stays open, it dials again, subscribes again
// and receives the new server's updates; after ctx ends the channel closes.
func TestClientSubscribeReconnectsThroughARestart(t *testing.T) {
	settings := memory.ServerSettings{UpdateInterval: 20 * time.Millisecond}
	first := memory.NewServer(nil, settings)
	first.Pool().Configure("s1", memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeSmall})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	ts := httptest.NewUnstartedServer(first)
	ts.Listener = listener
	ts.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	updates, err := memory.NewClient(ts.URL).Subscribe(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if update := <-updates; update.Snapshot.Used.Bytes != 0 {
		t.Fatalf("first update: %+v", update)
	}
	first.Close() // closes every socket (1001)
	ts.Close()
	// The same pool behind a new server on the same address, with a change the new connection must show.
	pool := first.Pool()
	pool.Allocate(memory.AllocateRequest{SessionID: "s1", Size: memory.SizeRequest{Bytes: 4096}, Purpose: memory.MemoryPurposeVMHeap})
	second := memory.NewServer(pool, settings)
	defer second.Close()
	relisten, err := net.Listen("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	restarted := httptest.NewUnstartedServer(second)
	restarted.Listener = relisten
	restarted.Start()
	defer restarted.Close()
	for update := range updates {
		if update.Snapshot.Used.Bytes == 4096 {
			cancel()
			for range updates {
			}
			return
		}
	}
	t.Fatal("the channel closed before an update from the restarted server arrived")
}

// A peer that acknowledges the subscription and then never sends a byte nor reads one (so it answers no ping):
// a connection that died without a close. TCP would never notice (the peer is alive); the client has to,
// from its unanswered ping, and dial again.
func TestClientSubscribeGivesUpASilentConnection(t *testing.T) {
	var connections atomic.Int32
	held := make(chan *websocket.Conn, 16)
	upgrader := websocket.Upgrader{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		held <- ws
		connections.Add(1)
		if _, _, err := ws.ReadMessage(); err != nil { // the subscribe message
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"memory_subscribed","session_id":"s1","timestamp":1}`))
	}))
	defer ts.Close()
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	updates, err := memory.NewClient(ts.URL, memory.WithPingInterval(50*time.Millisecond)).Subscribe(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	for connections.Load() < 2 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if connections.Load() < 2 {
		t.Fatal("the client kept a silent connection instead of dialing again")
	}
	cancel()
	for range updates {
	}
}

func dial(t *testing.T, ts *httptest.Server, header http.Header) *websocket.Conn {
	t.Helper()
	ws, response, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/api/v1/ws/memory", header)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, response)
	}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	return ws
}

func readMessage(t *testing.T, ws *websocket.Conn) map[string]json.RawMessage {
	t.Helper()
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func typeOf(m map[string]json.RawMessage) string {
	var tag string
	_ = json.Unmarshal(m["type"], &tag)
	return tag
}

func TestWebSocketSubscribeGetsTheSeedsUpdate(t *testing.T) {
	server, ts := startServer(t, memory.ServerSettings{UpdateInterval: time.Hour})
	server.Pool().Configure("session-123", memory.ConfigureRequest{UserID: "user-456", VMSize: memory.VMSizeMedium})
	ws := dial(t, ts, nil)
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type": "memory_subscribe", "session_id": "session-123", "timestamp": 1640995200000}`)); err != nil {
		t.Fatal(err)
	}
	if m := readMessage(t, ws); typeOf(m) != "memory_subscribed" {
		t.Fatalf("first: %v", m)
	}
	update := readMessage(t, ws)
	keys := func(m map[string]json.RawMessage) []string {
		out := []string{}
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if typeOf(update) != "memory_update" || strings.Join(keys(update), ",") != "session_id,snapshot,timestamp,type" {
		t.Fatalf("update: %v", update)
	}
	var snapshot map[string]json.RawMessage
	_ = json.Unmarshal(update["snapshot"], &snapshot)
	if strings.Join(keys(snapshot), ",") != strings.Join(snapshotKeys, ",") {
		t.Fatalf("snapshot keys: %v", keys(snapshot))
	}
	if string(snapshot["platform"]) != `"v6r-medium"` || string(snapshot["total"]) != `{"bytes":1073741824,"human_readable":"1.0GB"}` {
		t.Fatalf("snapshot: %v", snapshot)
	}
	// A change is pushed; a burst of changes is merged (never more updates than changes).
	for i := 0; i < 5; i++ {
		server.Pool().Allocate(memory.AllocateRequest{SessionID: "session-123", Size: memory.SizeRequest{Bytes: 1 << 20}, Purpose: memory.MemoryPurposeVMHeap})
	}
	var last memory.MemoryUpdate
	for last.Snapshot.Used.Bytes != 5<<20 {
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &last); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type": "memory_unsubscribe", "session_id": "session-123", "timestamp": 1}`)); err != nil {
		t.Fatal(err)
	}
	// An update already on its way (the burst can be pushed in two merges, both showing all five changes)
	// may still come before the acknowledgement; anything else may not.
	m := readMessage(t, ws)
	for extra := 0; typeOf(m) == "memory_update" && extra < 5; extra++ {
		m = readMessage(t, ws)
	}
	if typeOf(m) != "memory_unsubscribed" {
		t.Fatalf("unsubscribe: %v", m)
	}
}

func TestWebSocketBadMessagesAreAnsweredAndTheConnectionStaysUsable(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{})
	ws := dial(t, ts, nil)
	for _, bad := range []string{"not json", "[1]", `{"type": 1}`, `{"type": "launch"}`, `{"type": "memory_subscribe"}`,
		`{"type": "memory_subscribe", "session_id": "nobody", "timestamp": 1}`, `{"type": "ping", "timestamp": -1}`} {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(bad)); err != nil {
			t.Fatal(err)
		}
		m := readMessage(t, ws)
		var problem memory.ErrorMessage
		if err := json.Unmarshal(mustJSON(m), &problem); err != nil {
			t.Fatalf("%s: %v %v", bad, err, m)
		}
		want := memory.MemoryErrorCodeInvalidRequest
		if strings.Contains(bad, "nobody") {
			want = memory.MemoryErrorCodeSessionNotFound
		}
		if problem.Error.Code != want {
			t.Fatalf("%s: %+v", bad, problem)
		}
	}
	if err := ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	if m := readMessage(t, ws); typeOf(m) != "error" {
		t.Fatalf("binary: %v", m)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type": "ping", "timestamp": 1}`)); err != nil {
		t.Fatal(err)
	}
	if m := readMessage(t, ws); typeOf(m) != "pong" {
		t.Fatalf("ping: %v", m)
	}
}

func mustJSON(m map[string]json.RawMessage) []byte {
	data, _ := json.Marshal(m)
	return data
}

func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		t.Fatalf("expected a close frame, got %v", err)
	}
}

func TestWebSocketOversizeMessageIsClosedWith1009(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{MaxMessageSize: 1024})
	ws := dial(t, ts, nil)
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type": "ping", "timestamp": 1, "pad": "`+strings.Repeat("x", 2000)+`"}`))
	if code := closeCode(t, ws); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d", code)
	}
}

// A client that subscribes and stops reading fills its send queue: the server closes it with 1013 and drops
// it, while a client reading the same session keeps receiving its updates.
func TestWebSocketStalledReaderIsClosedWith1013AndOthersKeepTheirUpdates(t *testing.T) {
	server, ts := startServer(t, memory.ServerSettings{UpdateInterval: time.Millisecond, SendQueueSize: 8, CloseTimeout: 200 * time.Millisecond})
	subscribe := func(ws *websocket.Conn, sessionID string) {
		message := `{"type": "memory_subscribe", "session_id": "` + sessionID + `", "timestamp": 1}`
		if err := ws.WriteMessage(websocket.TextMessage, []byte(message)); err != nil {
			t.Fatal(err)
		}
	}
	// The stalled client: a small receive buffer, and ten sessions' updates every millisecond, so that the
	// server's writes block soon; it never reads.
	stalledDialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, address)
		if err == nil {
			_ = conn.(*net.TCPConn).SetReadBuffer(1024)
		}
		return conn, err
	}}
	stalled, _, err := stalledDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/api/v1/ws/memory", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	healthy := dial(t, ts, nil)
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("s%d", i)
		server.Pool().Configure(id, memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeSmall})
		subscribe(stalled, id)
	}
	subscribe(healthy, "s1")
	var received atomic.Int64
	go func() {
		for {
			if _, _, err := healthy.ReadMessage(); err != nil {
				return
			}
			_ = healthy.SetReadDeadline(time.Now().Add(10 * time.Second))
			received.Add(1)
		}
	}()
	deadline := time.Now().Add(15 * time.Second)
	for server.Streamer().SlowClientsClosed() == 0 || server.Streamer().Clients() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the stalled client was not closed: %d slow closes, %d clients, healthy received %d",
				server.Streamer().SlowClientsClosed(), server.Streamer().Clients(), received.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := server.Streamer().SlowClientsClosed(); n != 1 {
		t.Fatalf("%d slow closes: the healthy client was closed too", n)
	}
	if n := server.Streamer().Subscribers("s1"); n != 1 {
		t.Fatalf("%d subscribers of s1 after the close", n)
	}
	after := received.Load()
	for received.Load() < after+100 {
		if time.Now().After(deadline) {
			t.Fatalf("the healthy client stopped receiving: %d updates", received.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWebSocketShutdownClosesWith1001(t *testing.T) {
	server, ts := startServer(t, memory.ServerSettings{})
	ws := dial(t, ts, nil)
	deadline := time.Now().Add(5 * time.Second)
	for server.Streamer().Clients() != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { server.Close(); close(done) }()
	if code := closeCode(t, ws); code != websocket.CloseGoingAway {
		t.Fatalf("close code %d", code)
	}
	<-done
	if server.Streamer().Clients() != 0 {
		t.Fatal("a connection outlived the shutdown")
	}
}

func TestWebSocketOriginCheck(t *testing.T) {
	_, ts := startServer(t, memory.ServerSettings{AllowedOrigins: []string{"https://app.example"}})
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/v1/ws/memory"
	_, response, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"https://evil.example"}})
	if err == nil || response == nil || response.StatusCode != 403 {
		t.Fatalf("a foreign origin: %v %v", err, response)
	}
	var envelope memory.MemoryResult[struct{}]
	data, _ := io.ReadAll(response.Body)
	if json.Unmarshal(data, &envelope) != nil || envelope.Error == nil || envelope.Error.Code != memory.MemoryErrorCodeForbidden {
		t.Fatalf("403 body: %s", data)
	}
	dial(t, ts, http.Header{"Origin": {"https://app.example"}})
	dial(t, ts, http.Header{"Origin": {ts.URL}})
	dial(t, ts, nil)
}

func TestSeedBridgeHandlerServesTheProtocol(t *testing.T) {
	pool := memory.NewMemoryPool()
	pool.Configure("s1", memory.ConfigureRequest{UserID: "u", VMSize: memory.VMSizeSmall})
	streamer := memory.NewV6RMemoryStreamer(pool)
	streamer.Start(time.Hour)
	defer streamer.Stop()
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", streamer.GetWebSocketHandler())
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type": "memory_subscribe", "session_id": "s1", "timestamp": 1}`))
	if m := readMessage(t, ws); typeOf(m) != "memory_subscribed" {
		t.Fatalf("%v", m)
	}
	if m := readMessage(t, ws); typeOf(m) != "memory_update" {
		t.Fatalf("%v", m)
	}
}

func TestPanicsAreInternalErrors(t *testing.T) {
	server, ts := startServer(t, memory.ServerSettings{Logger: log.New(io.Discard, "", 0)})
	server.Pool().AddListener(func(string) { panic("the listener is broken") })
	a := send(t, "POST", ts.URL+"/api/v1/sessions/s1/configure", `{"user_id": "u", "vm_size": "small"}`)
	if e := errorOf(t, a); a.status != 500 || e.Code != memory.MemoryErrorCodeInternalError || strings.Contains(string(a.body["error"]), "broken") {
		t.Fatalf("%d %v", a.status, a.body)
	}
	if a := send(t, "GET", ts.URL+"/api/v1/health", ""); a.status != 200 || a.header.Get("X-Request-Id") == "" {
		t.Fatalf("%d %v", a.status, a.header)
	}
}
