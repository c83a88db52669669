"""The live stream: events stored in order and sent after commit, the WebSocket consumer,
its routing and authentication."""
