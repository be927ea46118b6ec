package gotests

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func TestUint64Edges(t *testing.T) {
	for _, text := range []string{"0", "9007199254740991", "9007199254740992", "9007199254740993", "18446744073709551615"} {
		var m memory.MemorySize
		if err := json.Unmarshal([]byte(`{"bytes":`+text+`,"human_readable":"x"}`), &m); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		out, _ := json.Marshal(m)
		if !strings.Contains(string(out), `"bytes":`+text+",") {
			t.Fatalf("%s came back as %s", text, out)
		}
	}
	for _, text := range []string{"18446744073709551616", "-1", "1.0", "1e3", `"1"`, "null"} {
		var m memory.MemorySize
		err := json.Unmarshal([]byte(`{"bytes":`+text+`,"human_readable":"x"}`), &m)
		var de *memory.DecodeError
		if !errors.As(err, &de) || de.Path != "bytes" {
			t.Fatalf("%s: expected a DecodeError at bytes, got %v", text, err)
		}
	}
}

func TestStrictEnumsUnionsAndMissingFields(t *testing.T) {
	var c memory.V6RMemoryConfig
	if err := json.Unmarshal([]byte(`{"session_id":"s","user_id":"u","vm_size":"huge"}`), &c); err == nil || !strings.Contains(err.Error(), `vm_size: unknown VMSize value "huge"`) {
		t.Fatalf("got %v", err)
	}
	if err := json.Unmarshal([]byte(`{"session_id":"s","user_id":"u"}`), &c); err == nil || err.Error() != "vm_size: required field is missing" {
		t.Fatalf("got %v", err)
	}
	if err := json.Unmarshal([]byte(`{"session_id":"bad id!","user_id":"u","vm_size":"small"}`), &c); err == nil || !strings.HasPrefix(err.Error(), "session_id: ") {
		t.Fatalf("got %v", err)
	}
	if _, err := memory.DecodePlatformProfile([]byte(`{"tag":"n64","val":{"bytes":1,"human_readable":"1B"}}`)); err == nil || !strings.Contains(err.Error(), `tag: unknown tag "n64"`) {
		t.Fatalf("got %v", err)
	}
	p, err := memory.DecodePlatformProfile([]byte(`{"val":{"bytes":16777216,"human_readable":"16.0MB"},"tag":"dreamcast","extra":1}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(p)
	if string(out) != `{"tag":"dreamcast","val":{"bytes":16777216,"human_readable":"16.0MB"}}` {
		t.Fatalf("got %s", out)
	}
}

func TestErrorAndResult(t *testing.T) {
	details := "64 bytes asked, 0 free"
	e := &memory.MemoryError{Code: memory.MemoryErrorCodeInsufficientMemory, Message: "no", Details: &details, Timestamp: 1}
	var err error = e
	var target *memory.MemoryError
	if !errors.As(err, &target) || err.Error() != "insufficient-memory: no (64 bytes asked, 0 free)" {
		t.Fatalf("got %v", err)
	}
	r := memory.Err[memory.MemorySize](e)
	if !r.IsErr() || r.IsOk() || r.UnwrapOr(memory.NewMemorySize(1)).Bytes != 1 {
		t.Fatal("err result")
	}
	var back memory.MemoryResult[memory.MemorySize]
	text, _ := json.Marshal(memory.Ok(memory.NewMemorySize(1 << 30)))
	if string(text) != `{"value":{"bytes":1073741824,"human_readable":"1.0GB"}}` {
		t.Fatalf("got %s", text)
	}
	if err := json.Unmarshal(text, &back); err != nil || back.Value.HumanReadable != "1.0GB" {
		t.Fatalf("got %v", err)
	}
	if err := json.Unmarshal([]byte(`{}`), &back); err == nil {
		t.Fatal("an empty envelope was accepted")
	}
	if v, err := r.Unwrap(); err == nil || v.Bytes != 0 {
		t.Fatal("unwrap of an error")
	}
}

func TestSizes(t *testing.T) {
	cases := map[uint64]string{0: "0B", 512: "512B", 1023: "1023B", 1024: "1.0KB", 1280: "1.3KB", 1048575: "1024.0KB", 1 << 30: "1.0GB", 1<<64 - 1: "16777216.0TB"}
	for size, want := range cases {
		if got := memory.HumanReadable(size); got != want {
			t.Errorf("%d: %s, want %s", size, got, want)
		}
	}
	if n, err := memory.ParseSize("1.5GB"); err != nil || n != 1610612736 {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := memory.ParseSize("1.5XB"); err == nil {
		t.Fatal("accepted 1.5XB")
	}
	if memory.PressureLevel(95) != memory.MemoryPressureCritical || memory.PressureLevel(69.9) != memory.MemoryPressureLow {
		t.Fatal("pressure")
	}
}

// UnmarshalJSON called directly gets no validation from encoding/json first: broken text is an error,
// never a panic, and a value inside more than 200 arrays and objects is refused, as Python's parser does.
func TestUnmarshalJSONDirectlyOnBrokenOrDeepText(t *testing.T) {
	for _, text := range []string{`"abc`, `{"bytes":1,"human_readable":"x`, `{"bytes":1,"human_readable":"\`, `[[[`, ``} {
		var m memory.MemorySize
		if err := m.UnmarshalJSON([]byte(text)); err == nil {
			t.Fatalf("%q: accepted", text)
		}
	}
	deep := func(n int) string {
		return `{"bytes":1,"human_readable":"x","deep":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	}
	var m memory.MemorySize
	if err := json.Unmarshal([]byte(deep(200)), &m); err != nil {
		t.Fatalf("depth 200: %v", err)
	}
	if err := json.Unmarshal([]byte(deep(201)), &m); err == nil || !strings.Contains(err.Error(), "nested more than 200 deep") {
		t.Fatalf("depth 201: %v", err)
	}
	// past 10000, encoding/json's own scanner refuses first
	if err := json.Unmarshal([]byte(deep(100000)), &m); err == nil {
		t.Fatal("depth 100000: accepted")
	}
	if _, err := memory.DecodeServerMessage([]byte(`{"type":"pong","timestamp":1,"x":` + strings.Repeat("[", 201) + strings.Repeat("]", 201) + `}`)); err == nil || !strings.Contains(err.Error(), "nested more than 200 deep") {
		t.Fatalf("DecodeServerMessage at depth 201: %v", err)
	}
}
