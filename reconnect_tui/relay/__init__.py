"""The relay server: an ASGI app over its own storage. Imports nothing from store/ or screens/
and shares only the wire format (``reconnect_tui.wire``) with the client."""
