# TypeScript: npm ci from the committed lock, tsc --strict on the generated package (its own tsconfig, and the
# tests' tsconfig that also compiles the seed's MemoryWidget), then the tests (codecs, client and socket
# against the generated Python server, hooks under React 18 and 19).
TS_DIR := tests/typescript

.PHONY: test-typescript
test-typescript: venv
	cd $(TS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	cd $(TS_DIR) && node_modules/.bin/tsc -p ../../generated/typescript/tsconfig.json --noEmit --typeRoots node_modules/@types
	cd $(TS_DIR) && node_modules/.bin/tsc -p tsconfig.json
	cd $(TS_DIR) && node run-tests.mjs

LANGUAGE_TESTS += test-typescript
