// Command goserver runs the generated Go server on -addr until SIGINT or SIGTERM, for the Python tests
// that replay requests against it (tests/go/test_go_server.py).
package main

import (
	"flag"
	"log"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	flag.Parse()
	if err := memory.StartV6RServer(*addr); err != nil {
		log.Fatal(err)
	}
}
