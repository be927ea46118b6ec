module example.com/recursive

go 1.22

require (
	github.com/google/uuid v1.4.0
	github.com/gorilla/websocket v1.5.3
)
