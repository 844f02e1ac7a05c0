"""``strato serve``: a Tawhiri-compatible prediction API and the map app (a thin front door).

The web code parses HTTP requests, calls the same library functions as the CLI and formats
their answers; it owns no domain logic. :func:`stratoflight.web.app.build_app` makes the
ASGI application; :mod:`stratoflight.web.server` runs it on uvicorn.
"""
