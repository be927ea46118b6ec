# Conformance: the shared vectors (Python, TypeScript, Go), the pool traces (Python and Go pools), the scenario
# suite against the Python and the Go server, and the client matrix (three clients x two servers), summarised
# in one table by tests/conformance/report.py, which exits non-zero if anything fails. The TypeScript runners
# need tests/typescript/node_modules: npm ci installs it from the lock when it is missing.
.PHONY: conformance
conformance: venv
	@test -d tests/typescript/node_modules || (cd tests/typescript && npm ci --no-audit --no-fund --loglevel=error)
	PYTHONPATH=generated/python $(BIN)/python tests/conformance/report.py

LANGUAGE_TESTS += conformance
