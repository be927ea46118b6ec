package main

import (
    "fmt"
    "os"
    memory "github.com/flight-core/shared-types/go/v6r-memory"
)

func main() {
    utils := memory.V6RMemoryUtils{}
    
    switch os.Args[1] {
    case "configure":
        config := memory.V6RMemoryConfig{
            SessionID: "session-123",
            UserID: "user-456",
            VMSize: "medium",
        }
        
        if err := utils.ValidateV6RConfig(config); err != nil {
            fmt.Printf("Invalid config: %v\n", err)
            return
        }
        
        platform := utils.GetV6RPlatform(config.VMSize)
        memSize := utils.GetV6RDefaultMemorySize(config.VMSize)
        fmt.Printf("Configured %s VM with %s memory\n", platform, memSize.HumanReadable)
    }
}
