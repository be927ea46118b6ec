package gotests

// The Go binding's size, usage and pressure rules against ../conformance/rules.json, which make_rules.py works
// out with exact fractions from the schema's constants (the Python and TypeScript tests read the same file).

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

// rules.json: sizes as decimal strings (exact past 2^53), a size that is no size as null.
type rules struct {
	HumanReadable [][2]string          `json:"human_readable"`
	ParseSize     [][2]*string         `json:"parse_size"`
	Usage         [][3]json.RawMessage `json:"usage_percentage"`
	PressureLevel [][2]json.RawMessage `json:"pressure_level"`
}

func loadRules(t *testing.T) rules {
	t.Helper()
	text, err := os.ReadFile("../conformance/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var r rules
	if err := json.Unmarshal(text, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.HumanReadable) < 500 || len(r.ParseSize) < 50 || len(r.Usage) < 100 || len(r.PressureLevel) < 10 {
		t.Fatalf("rules.json holds too few cases: %d %d %d %d", len(r.HumanReadable), len(r.ParseSize), len(r.Usage), len(r.PressureLevel))
	}
	return r
}

func u64(t *testing.T, text string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRulesHumanReadable(t *testing.T) {
	for _, c := range loadRules(t).HumanReadable {
		if got := memory.HumanReadable(u64(t, c[0])); got != c[1] {
			t.Errorf("HumanReadable(%s) = %s, want %s", c[0], got, c[1])
		}
	}
}

func TestRulesParseSize(t *testing.T) {
	for _, c := range loadRules(t).ParseSize {
		got, err := memory.ParseSize(*c[0])
		switch {
		case c[1] == nil && err == nil:
			t.Errorf("ParseSize(%q) = %d, want an error", *c[0], got)
		case c[1] != nil && (err != nil || got != u64(t, *c[1])):
			t.Errorf("ParseSize(%q) = %d, %v, want %s", *c[0], got, err, *c[1])
		}
	}
}

func TestRulesUsageAndPressure(t *testing.T) {
	r := loadRules(t)
	for _, c := range r.Usage {
		var usedText, totalText string
		var want float64
		if json.Unmarshal(c[0], &usedText) != nil || json.Unmarshal(c[1], &totalText) != nil || json.Unmarshal(c[2], &want) != nil {
			t.Fatalf("bad usage case %s", c)
		}
		if got := memory.UsagePercentage(u64(t, usedText), u64(t, totalText)); got != want {
			t.Errorf("UsagePercentage(%s, %s) = %v, want %v", usedText, totalText, got, want)
		}
	}
	for _, c := range r.PressureLevel {
		var percentage float64
		var want string
		if json.Unmarshal(c[0], &percentage) != nil || json.Unmarshal(c[1], &want) != nil {
			t.Fatalf("bad pressure case %s", c)
		}
		if got := memory.PressureLevel(percentage); string(got) != want {
			t.Errorf("PressureLevel(%v) = %s, want %s", percentage, got, want)
		}
	}
}
