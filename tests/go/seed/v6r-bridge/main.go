package main

import (
    "net/http"
    "time"
    memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func main() {
    pool := memory.NewMemoryPool()
    streamer := memory.NewV6RMemoryStreamer(pool)
    
    streamer.Start(2 * time.Second)
    
    http.HandleFunc("/ws", streamer.GetWebSocketHandler())
    http.ListenAndServe(":8081", nil)
}
