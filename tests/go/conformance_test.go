package gotests

// Cross-language conformance: every case in ../conformance/vectors is decoded and re-encoded (a valid
// case must give its canonical text byte for byte) or rejected (an invalid case). Cases listed in
// ../conformance/expected-failures/go.txt must fail; a listed case that passes fails the run.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

type conformanceCase struct {
	Type      string `json:"type"`
	Name      string `json:"name"`
	Input     string `json:"input"`
	Valid     bool   `json:"valid"`
	Canonical string `json:"canonical"`
}

type roundTrip func(data []byte) (string, error)

// viaJSON decodes with the type's UnmarshalJSON (through encoding/json, as users do) and encodes with
// its MarshalJSON directly (json.Marshal would re-escape <, > and &).
func viaJSON[T any]() roundTrip {
	return func(data []byte) (string, error) {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return "", err
		}
		out, err := any(v).(json.Marshaler).MarshalJSON()
		return string(out), err
	}
}

func viaUnion[T any](decode func([]byte) (T, error)) roundTrip {
	return func(data []byte) (string, error) {
		v, err := decode(data)
		if err != nil {
			return "", err
		}
		m, ok := any(v).(json.Marshaler)
		if !ok {
			return "", fmt.Errorf("variant %T has no MarshalJSON", v)
		}
		out, err := m.MarshalJSON()
		return string(out), err
	}
}

func viaAlias(decode func([]byte) (string, error), encode func(string) []byte) roundTrip {
	return func(data []byte) (string, error) {
		v, err := decode(data)
		if err != nil {
			return "", err
		}
		return string(encode(v)), nil
	}
}

// The schema's types by name; the string aliases (SessionId, AllocationId, UserId) through their
// exported DecodeX/EncodeX.
var conformanceCodecs = map[string]roundTrip{
	"SessionId":                viaAlias(memory.DecodeSessionID, memory.EncodeSessionID),
	"AllocationId":             viaAlias(memory.DecodeAllocationID, memory.EncodeAllocationID),
	"UserId":                   viaAlias(memory.DecodeUserID, memory.EncodeUserID),
	"MemoryPurpose":            viaJSON[memory.MemoryPurpose](),
	"MemoryPressure":           viaJSON[memory.MemoryPressure](),
	"TrendDirection":           viaJSON[memory.TrendDirection](),
	"VmSize":                   viaJSON[memory.VMSize](),
	"MemoryErrorCode":          viaJSON[memory.MemoryErrorCode](),
	"MemorySize":               viaJSON[memory.MemorySize](),
	"SizeRequest":              viaJSON[memory.SizeRequest](),
	"MemoryUsageSnapshot":      viaJSON[memory.MemoryUsageSnapshot](),
	"MemoryAllocation":         viaJSON[memory.MemoryAllocation](),
	"MemoryLimits":             viaJSON[memory.MemoryLimits](),
	"PressureThreshold":        viaJSON[memory.PressureThreshold](),
	"MemoryError":              viaJSON[memory.MemoryError](),
	"PlatformProfileDreamcast": viaJSON[memory.PlatformProfileDreamcast](),
	"PlatformProfilePsp":       viaJSON[memory.PlatformProfilePsp](),
	"PlatformProfileVita":      viaJSON[memory.PlatformProfileVita](),
	"PlatformProfileV6rSmall":  viaJSON[memory.PlatformProfileV6rSmall](),
	"PlatformProfileV6rMedium": viaJSON[memory.PlatformProfileV6rMedium](),
	"PlatformProfileV6rLarge":  viaJSON[memory.PlatformProfileV6rLarge](),
	"PlatformProfileCustom":    viaJSON[memory.PlatformProfileCustom](),
	"PurposeUsage":             viaJSON[memory.PurposeUsage](),
	"MemoryStats":              viaJSON[memory.MemoryStats](),
	"MemoryTrend":              viaJSON[memory.MemoryTrend](),
	"V6RMemoryConfig":          viaJSON[memory.V6RMemoryConfig](),
	"AllocateRequest":          viaJSON[memory.AllocateRequest](),
	"ConfigureRequest":         viaJSON[memory.ConfigureRequest](),
	"SessionConfiguration":     viaJSON[memory.SessionConfiguration](),
	"AllocationList":           viaJSON[memory.AllocationList](),
	"HealthStatus":             viaJSON[memory.HealthStatus](),
	"ServiceStatus":            viaJSON[memory.ServiceStatus](),
	"MemorySubscribe":          viaJSON[memory.MemorySubscribe](),
	"MemoryUnsubscribe":        viaJSON[memory.MemoryUnsubscribe](),
	"Ping":                     viaJSON[memory.Ping](),
	"MemoryUpdate":             viaJSON[memory.MemoryUpdate](),
	"MemorySubscribed":         viaJSON[memory.MemorySubscribed](),
	"MemoryUnsubscribed":       viaJSON[memory.MemoryUnsubscribed](),
	"Pong":                     viaJSON[memory.Pong](),
	"MemoryPressureAlert":      viaJSON[memory.MemoryPressureAlert](),
	"ErrorMessage":             viaJSON[memory.ErrorMessage](),
	"PlatformProfile":          viaUnion(memory.DecodePlatformProfile),
	"ClientMessage":            viaUnion(memory.DecodeClientMessage),
	"ServerMessage":            viaUnion(memory.DecodeServerMessage),
}

func loadConformance(t *testing.T) ([]conformanceCase, map[string]bool) {
	t.Helper()
	files, err := filepath.Glob("../conformance/vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors found: %v", err)
	}
	sort.Strings(files)
	var cases []conformanceCase
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var some []conformanceCase
		if err := json.Unmarshal(data, &some); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		cases = append(cases, some...)
	}
	f, err := os.Open("../conformance/expected-failures/go.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	expected := map[string]bool{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line, _, _ := strings.Cut(scanner.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			expected[line] = true
		}
	}
	return cases, expected
}

// conformanceProblem is "" when the binding agrees with the case, else what differs.
func conformanceProblem(c conformanceCase) string {
	codec, ok := conformanceCodecs[c.Type]
	if !ok {
		return "the Go binding exposes no decoder/encoder for " + c.Type
	}
	out, err := codec([]byte(c.Input))
	switch {
	case err != nil && c.Valid:
		return fmt.Sprintf("expected %q, got rejection: %v", c.Canonical, err)
	case err == nil && !c.Valid:
		return fmt.Sprintf("expected rejection, got %q", out)
	case err == nil && out != c.Canonical:
		return fmt.Sprintf("expected %q, got %q", c.Canonical, out)
	}
	return ""
}

func TestConformanceVectors(t *testing.T) {
	cases, expected := loadConformance(t)
	known := map[string]bool{}
	passed, xfailed := 0, 0
	for _, c := range cases {
		known[c.Name] = true
		problem := conformanceProblem(c)
		switch {
		case expected[c.Name] && problem == "":
			t.Errorf("go: %s is listed in expected-failures/go.txt but passes", c.Name)
		case expected[c.Name]:
			xfailed++
		case problem != "":
			t.Errorf("go: %s (%s): %s", c.Name, c.Type, problem)
		default:
			passed++
		}
	}
	for name := range expected {
		if !known[name] {
			t.Errorf("go: expected-failures/go.txt names %q, which is no case", name)
		}
	}
	t.Logf("go conformance: %d cases, %d passed, %d expected failures", len(cases), passed, xfailed)
}
