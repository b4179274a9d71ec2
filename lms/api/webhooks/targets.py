"""Where a webhook may point: an https address (http too where LMS_WEBHOOK_ALLOW_HTTP is set,
for development) whose host resolves only to public addresses. Private, loopback, link-local,
shared, multicast and reserved addresses are refused, however they are written (a name that
resolves there, a decimal or IPv4-mapped literal, an IPv6 form embedding one), unless they lie in
LMS_WEBHOOK_ALLOWED_NETWORKS.

The check runs when an endpoint is created and again before every delivery, which then connects
to an address the check passed (so a name re-pointed at an internal address in between, DNS
rebinding, reaches nothing inside).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from lms.accounts.services import ServiceError
from lms.config import ConfigError

URL_MAX = 2000
#: The NAT64 well-known prefix: its last 32 bits are an IPv4 address.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TargetError(ServiceError):
    """An address webhooks may not be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked address: where to connect and what to ask for."""

    scheme: str
    host: str
    port: int
    #: Path and query, as sent in the request line.
    path: str
    #: The resolved addresses, every one of them allowed.
    addresses: tuple[str, ...]


def parse_networks(value) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """LMS_WEBHOOK_ALLOWED_NETWORKS as networks (a list, or one comma-separated string)."""
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    try:
        return [ipaddress.ip_network(str(part).strip(), strict=False) for part in value or ()]
    except ValueError as error:
        raise ConfigError(f"LMS_WEBHOOK_ALLOWED_NETWORKS: {error}") from error


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return parse_networks(current_app.config["LMS_WEBHOOK_ALLOWED_NETWORKS"])


def _embedded(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    found = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [item for item in found if item is not None]


def address_allowed(text: str, networks: list) -> bool:
    """True when webhooks may reach this address."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if any(address in network for network in networks):
        return True
    candidates = [address]
    if address.version == 6:
        mapped = address.ipv4_mapped
        if mapped is not None and any(mapped in network for network in networks):
            return True
        candidates.extend(_embedded(address))
    return all(item.is_global and not item.is_multicast for item in candidates)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise TargetError(_("The host %(h)s cannot be resolved.", h=host)) from error
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetError(_("The host %(h)s cannot be resolved.", h=host))
    return addresses


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a well-formed webhook address; TargetError otherwise."""
    url = (url or "").strip()
    if not url:
        raise TargetError(_("Give the address that receives the webhooks."))
    if len(url) > URL_MAX or any(ord(char) < 33 or ord(char) == 127 for char in url):
        raise TargetError(_("This is not a valid web address."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetError(_("This is not a valid web address.")) from error
    scheme = parts.scheme.lower()
    allow_http = current_app.config["LMS_WEBHOOK_ALLOW_HTTP"]
    if scheme != "https" and not (scheme == "http" and allow_http):
        raise TargetError(_("Webhook addresses must start with https://."))
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise TargetError(_("Give a web address with a host name and no user name or password."))
    if parts.fragment:
        raise TargetError(_("A webhook address has no #fragment."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def check(url: str) -> Target:
    """Parse, resolve and vet an address; TargetError when webhooks may not go there."""
    scheme, host, port, path = parse(url)
    addresses = _resolve(host, port)
    networks = allowed_networks()
    refused = [address for address in addresses if not address_allowed(address, networks)]
    if refused:
        raise TargetError(
            _(
                "%(h)s leads to a private, local or reserved address (%(a)s): webhooks go only "
                "to public addresses.",
                h=host,
                a=", ".join(refused),
            )
        )
    return Target(scheme, host, port, path, tuple(addresses))
