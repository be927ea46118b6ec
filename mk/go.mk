# The Go target: gofmt, go vet and go test -race on generated/go and the test module tests/go (which
# points at generated/go with a replace directive). The seed's programs under tests/go/seed are compiled
# unchanged, so gofmt skips them.
.PHONY: test-go
test-go:
	@out=$$(gofmt -l generated/go $$(find tests/go -name '*.go' -not -path 'tests/go/seed/*')); \
	  if [ -n "$$out" ]; then echo "gofmt -l:"; echo "$$out"; exit 1; fi
	cd generated/go && go vet ./...
	cd tests/go && go vet ./... && go test -race ./...
	cd tests/go && test "$$(go run ./seed/v6r-cli configure)" = "Configured v6r-medium VM with 1.0GB memory"
	cd generated/go && test "$$(go run ./cmd/v6r-cli configure)" = "Configured v6r-medium VM with 1.0GB memory"

LANGUAGE_TESTS += test-go
