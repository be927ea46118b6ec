// Command goserver runs the generated Go server on -addr until SIGINT or SIGTERM, for the Python tests
// that replay requests against it (tests/go/test_go_server.py). -origins lists the browser origins allowed
// besides the server's own (comma-separated), as ServerSettings.AllowedOrigins.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	origins := flag.String("origins", "", "browser origins allowed besides the server's own, comma-separated")
	flag.Parse()
	if *origins == "" {
		if err := memory.StartV6RServer(*addr); err != nil {
			log.Fatal(err)
		}
		return
	}
	settings := memory.DefaultServerSettings()
	settings.AllowedOrigins = strings.Split(*origins, ",")
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := memory.NewServer(nil, settings).Serve(ctx, listener); err != nil {
		log.Fatal(err)
	}
}
