"""Safety checks shared by every fetcher: URL schemes, network addresses, paths, XML.

Every refusal raises :class:`Refused` with a machine-readable ``code`` that ends up
as the reason of the quarantined record ("refused_scheme", "refused_private_address",
"path_traversal", "unsafe_xml", ...).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree as SafeET

ALLOWED_SCHEMES = frozenset({"http", "https"})
SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Refused(Exception):
    """An input the fetcher will not touch; ``code`` is the quarantine reason."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def check_source_id(source_id: str) -> str:
    """Source ids name files (state, raw zone): refuse anything that is not a plain slug."""
    if not isinstance(source_id, str) or not SOURCE_ID_RE.match(source_id):
        raise ValueError(f"invalid source id {source_id!r}: expected ^[a-z0-9][a-z0-9_-]{{0,63}}$")
    return source_id


def check_url(url: str) -> str:
    """Refuse non-http(s) schemes, missing hosts and credentials in URLs; return the URL stripped.

    Never raises anything but :class:`Refused`: a link is item data, and one unreadable
    link must not stop the rest of its feed.
    """
    if not isinstance(url, str):
        raise Refused("bad_url", f"a link must be text, not {type(url).__name__}")
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
        hostname = parts.hostname
        credentials = parts.username is not None or parts.password is not None
    except ValueError as exc:
        raise Refused("bad_url", f"cannot parse {url[:200]!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise Refused(
            "refused_scheme", f"scheme {scheme[:20] or '(none)'!r} is not http or https in {url[:200]!r}"
        )
    if not hostname:
        raise Refused("bad_url", f"no host in {url[:200]!r}")
    if credentials:
        raise Refused("refused_credentials", f"credentials in URL are not sent: {hostname[:100]}")
    if port == 0:
        raise Refused("bad_url", f"port 0 in {url[:200]!r}")
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise Refused("bad_url", f"whitespace or control character in {url[:200]!r}")
    return url


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for globally routable unicast addresses."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            return is_public_address(ip.sixtofour)
        if ip.teredo is not None:
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


# Cloud instance metadata endpoints outside the link-local ranges (AWS IPv6, Alibaba Cloud).
# 169.254.169.254 (AWS, GCP, Azure, OpenStack, Oracle...) is link-local and refused with it.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200"))


def never_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is refused even with ``allow_private`` (link-local, metadata...), or None.

    ``allow_private`` opens a lab network or a local mirror; it never opens the ranges where
    cloud credentials live (169.254.0.0/16, fe80::/10, the metadata addresses) nor
    addresses that are not unicast.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return never_allowed(embedded)
    if ip.is_loopback:
        return None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a unicast address"
    return None


def check_address(
    host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool
) -> None:
    """Raise :class:`Refused` when ``host`` may not be contacted at ``ip``."""
    why = never_allowed(ip)
    if why is not None:
        raise Refused(
            "refused_link_local_address",
            f"{host[:100]!r} resolves to {ip} ({why}): never fetched, allow_private or not",
        )
    if not allow_private and not is_public_address(ip):
        raise Refused(
            "refused_private_address",
            f"{host[:100]!r} resolves to {ip} (private, loopback, link-local, multicast or reserved); "
            "set allow_private: true to fetch it",
        )


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve ``host`` and return its addresses; refuse when one of them may not be contacted.

    All addresses are checked (not only the first) so that a name cannot mix a public
    address with an internal one. The caller connects to one of the returned addresses,
    not to the name again, so a second DNS answer cannot differ (DNS rebinding).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused("dns_error", f"cannot resolve {host[:100]!r}: {exc}") from exc
    addresses: list[str] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        text = str(sockaddr[0]).split("%", 1)[0]
        check_address(host, ipaddress.ip_address(text), allow_private=allow_private)
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise Refused("dns_error", f"no IPv4/IPv6 address for {host[:100]!r}")
    return addresses


def safe_member_name(name: str) -> str:
    """Check an archive member name; refuse absolute paths and '..' (path traversal)."""
    if not name or "\x00" in name:
        raise Refused("path_traversal", f"empty or NUL member name {name!r}")
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        raise Refused("path_traversal", f"absolute member name {name!r}")
    if ".." in PurePosixPath(normal).parts:
        raise Refused("path_traversal", f"member name {name!r} climbs out with '..'")
    return normal


def safe_local_path(base_dir: Path, relative: str) -> Path:
    """Resolve ``relative`` (a link from a local feed, sitemap or URL list) inside ``base_dir``.

    Refuses links that leave the folder and links through a symbolic link: a mirrored site
    is read as the files it holds, never as what a link inside it points to.
    """
    rel = relative.split("#", 1)[0].split("?", 1)[0]
    if not rel or "\x00" in rel:
        raise Refused("path_traversal", f"empty or NUL path {relative[:200]!r}")
    rel = rel.lstrip("/")  # a site-absolute link (/a/b.html) is relative to the mirror's root
    base = base_dir.resolve()
    target = Path(os.path.normpath(base / rel))
    if target != base and base not in target.parents:
        raise Refused("path_traversal", f"{relative[:200]!r} points outside {base.name}/")
    if target.resolve() != target:
        raise Refused("refused_symlink", f"{relative[:200]!r} goes through a symbolic link (not followed)")
    return target


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def check_xml(data: bytes) -> Exception | None:
    """Parse ``data`` with defusedxml, refusing entity declarations and external references.

    Raises :class:`Refused` ("unsafe_xml") for entity expansion (billion laughs) and
    external entities (XXE). Returns the parse error when the XML is merely malformed
    (the caller may then try a lenient parser), None when it is well-formed.
    """
    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise Refused("unsafe_xml", f"entity declaration refused (entity expansion / XXE): {exc}") from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise Refused("unsafe_xml", f"external reference refused (XXE): {exc}") from exc
    except defusedxml.DTDForbidden as exc:  # pragma: no cover - DTDs are allowed above
        raise Refused("unsafe_xml", str(exc)) from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown declared encoding
        # A broken document is not parsed strictly; a lenient parser may still read it,
        # but never one that declares entities.
        if _ENTITY_DECL.search(data):
            raise Refused("unsafe_xml", f"malformed XML that declares entities: {exc}") from exc
        return exc
    return None
