"""The guard that keeps webhooks off the server's own network: checked when a webhook is
registered, and again before every delivery (a name may resolve elsewhere by then)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeURL(ValueError):
    """A URL webhooks must not reach: not HTTP(S), or an address of a private network."""


def public_address(url: str) -> str:
    """The address `url`'s host resolves to, if it may receive webhooks: http or https, and
    only public addresses (all of them), unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is set."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise UnsafeURL("A webhook URL starts with http:// or https://.")
    if not parts.hostname:
        raise UnsafeURL("A webhook URL names a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (ValueError, OSError):
        raise UnsafeURL(f"{parts.hostname} does not resolve to an address.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if address.version == 6 and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global or address.is_multicast:
                raise UnsafeURL(
                    f"{parts.hostname} is at {address}, a loopback, private or reserved "
                    "address: webhooks only reach public addresses."
                )
    return str(addresses[0])
