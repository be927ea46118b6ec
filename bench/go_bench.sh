#!/usr/bin/env bash
# The Go benchmarks (tests/go/bench_test.go): the pool's allocate+free, and REST requests per second over
# loopback against the generated Go server. Usage: bench/go_bench.sh [BENCHTIME] (default 2s).
set -euo pipefail
cd "$(dirname "$0")/../tests/go"
go test -run '^$' -bench . -benchmem -benchtime "${1:-2s}" .
