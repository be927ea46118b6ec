package main

import (
    "log"
    memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func main() {
    // Start complete V6R memory management server
    // Includes HTTP API + WebSocket streaming
    log.Fatal(memory.StartV6RServer(":8080"))
}
