"""One environment over HTTP: the loop on the host, the screen somewhere else.

- ``Remote``, the client (bounded retries; an ``execute`` is never retried blindly): ``remote.py``
- ``screenloop serve``, the server (token, body limits, one lock): ``server.py``
- the protocol between them (headers, replies, frames): ``_wire.py``
"""

from .remote import Remote

__all__ = ["Remote"]
