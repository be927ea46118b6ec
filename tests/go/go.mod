module github.com/flight-core/v6r-codegen/tests/go

go 1.22

require github.com/flight-core/shared-types/go/v6r-memory v0.0.0

require (
	github.com/google/uuid v1.4.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
)

replace github.com/flight-core/shared-types/go/v6r-memory => ../../generated/go
