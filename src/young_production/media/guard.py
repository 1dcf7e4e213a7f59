"""The address guard: which network addresses we may connect to on behalf of a user's target.

Whoever wrote a page (or, in Notion mode, whoever can edit the shared database) chooses
the URLs we fetch, including every redirect and every media, caption or manifest URL a
page points at. So the guard is not a pre-flight check on the first URL: it sits in
the connection itself. `resolve(host, port)` looks the host up once, judges every
address it resolves to, and returns the one address the caller must connect to (see
`media.pinned` for the httpx and yt-dlp plumbing). There is no second DNS look-up
between the check and the connect, so a name that changes its answer (DNS rebinding)
cannot slip a private address past the check.

Policy (`sources.allow_private_addresses` in pipeline.yaml):
- public (globally routable, non-multicast) addresses are always allowed;
- `false`: everything else is refused;
- `true`: private, loopback and reserved ranges are allowed, but link-local ranges
  (169.254.0.0/16, fe80::/10) and cloud metadata addresses stay refused;
- a list of `host`, `host:port` and CIDR entries: exactly those are allowed. This is the
  only way to allow a link-local or metadata address (a host entry naming it, or a
  CIDR range inside the link-local range).
IPv6 forms that carry an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by
the IPv4 address too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

from ..config import AllowedAddress, SourcesConfig, parse_allowed_address
from ..errors import AddressRefused, TransientError
from .sources import check_url_syntax

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]

LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
# Instance metadata services outside the link-local ranges (AWS over IPv6, Alibaba, Oracle).
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CONFIG_HINT = "add it to sources.allow_private_addresses in pipeline.yaml to allow it"


class AddressGuard:
    """Judges hosts and addresses against the configured policy (see the module docstring).

    `resolver` is `socket.getaddrinfo` unless a test passes another.
    """

    def __init__(self, allow: bool | Iterable[str] = False, *, resolver: Resolver | None = None):
        if isinstance(allow, bool):
            self.allow_all, self.entries = allow, ()
        else:
            self.allow_all, self.entries = False, tuple(parse_allowed_address(e) for e in allow)
        self._resolver = resolver or socket.getaddrinfo

    @classmethod
    def from_config(cls, sources: SourcesConfig) -> AddressGuard:
        return cls(sources.allow_private_addresses)

    def check(self, url: str) -> None:
        """Refuse `url` unless its scheme is http(s) and every address of its host is allowed.

        This resolves the host; code that then connects must use `resolve()` (or the pinned
        transports) so that the connection goes to a checked address.
        """
        _, host, port = check_url_syntax(url)
        self.resolve(host, port)

    def check_offline(self, url: str) -> None:
        """What can be judged without the network: URL syntax, scheme, and IP-literal hosts."""
        _, host, port = check_url_syntax(url)
        address = _literal(host)
        if address is not None:
            self._judge(host, port, address)

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to for `host:port`, after judging every address it resolves to."""
        host = host.strip("[]").lower().rstrip(".")
        literal = _literal(host)
        addresses = [literal] if literal is not None else self._lookup(host, port)
        for address in addresses:
            self._judge(host, port, address)
        return str(addresses[0])

    def _lookup(self, host: str, port: int) -> list[IPAddress]:
        try:
            infos = self._resolver(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise TransientError(f"could not resolve host {host}: {getattr(exc, 'strerror', None) or exc}") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%", 1)[0]) for i in infos))
        if not addresses:
            raise TransientError(f"could not resolve host {host}: no addresses")
        return addresses

    def _judge(self, host: str, port: int, address: IPAddress) -> None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        special = _is_special(address)
        if _is_public(address) and not special:
            return
        if self._listed(host, port, address, strict=special):
            return
        if self.allow_all and not special:
            return
        where = f"{host}:{port}"
        if special:
            raise AddressRefused(
                f"refused {where}: {address} is a link-local or cloud metadata address; "
                "only an explicit entry in sources.allow_private_addresses (pipeline.yaml) allows it"
            )
        raise AddressRefused(
            f"refused {where}: {host} is a private, loopback or reserved address ({address}); {_CONFIG_HINT}"
        )

    def _listed(self, host: str, port: int, address: IPAddress, *, strict: bool) -> bool:
        return any(_matches(entry, host, port, address, strict=strict) for entry in self.entries)


def _matches(entry: AllowedAddress, host: str, port: int, address: IPAddress, *, strict: bool) -> bool:
    if entry.network is not None:
        if address not in entry.network:  # False across IP versions
            return False
        # A broad range (0.0.0.0/0, 10.0.0.0/8) does not name a link-local or metadata address.
        return not strict or entry.network.num_addresses == 1 or _inside_link_local(entry.network)
    if entry.port is not None and entry.port != port:
        return False
    return entry.host in (host, str(address))


def _inside_link_local(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return any(
        network.version == ll.version and network.subnet_of(ll)  # type: ignore[arg-type]
        for ll in LINK_LOCAL
    )


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(address.packed[-4:]))
    return found


def _candidates(address: IPAddress) -> list[IPAddress]:
    if isinstance(address, ipaddress.IPv6Address):
        return [address, *_embedded_ipv4(address)]
    return [address]


def _is_public(address: IPAddress) -> bool:
    return all(a.is_global and not a.is_multicast for a in _candidates(address))


def _is_special(address: IPAddress) -> bool:
    return any(a in METADATA or any(a in net for net in LINK_LOCAL) for a in _candidates(address))
