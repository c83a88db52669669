"""The one exception for "not now": a request that conflicts with the current state of what
it asks about. The API answers it with 409 and the message; the pages show the message."""


class Conflict(Exception):
    """The request cannot be done in the current state; the message says why and what to do."""
