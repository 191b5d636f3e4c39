"""The sandbox: a desktop in a container (podman/docker) or in bubblewrap, driven as a ``Remote``.

- ``Sandbox`` (start, lease and reaper, live view): ``sandbox.py``; the backends:
  ``_container.py`` and ``_bwrap.py``
- the allow-list of hosts, a filtering proxy on the host reached through the run dir: ``_proxy.py``
- the byte relay between a TCP port and a Unix socket (live view, proxy): ``_relay.py``
"""

from ._proxy import HostProxy, ProxyRecord
from .sandbox import DEFAULT_IMAGE, PROXY_PORT, Sandbox, novnc_url

__all__ = ["DEFAULT_IMAGE", "HostProxy", "PROXY_PORT", "ProxyRecord", "Sandbox", "novnc_url"]
