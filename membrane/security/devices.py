"""Coarse device facts: a browser and a system from the User-Agent, an IP
cut to its network (/24 for IPv4, /48 for IPv6). Enough for a person to
recognise a device, too little to single anyone out."""

import ipaddress
import re

from django.http import HttpRequest

# Order matters: Edge and Opera announce Chrome too, Chrome announces Safari.
_BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux|X11")),
]


def summarise_user_agent(user_agent: str) -> tuple[str, str]:
    """(browser, system), each "" when not recognised."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return browser, system


def truncate_ip(raw: str) -> str:
    """The network of an address: 203.0.113.0/24, 2001:db8:1::/48; "" if not an IP."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def request_ip_prefix(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded header can be forged by the client; the
    # proxy in front is expected to set REMOTE_ADDR.
    return truncate_ip(request.META.get("REMOTE_ADDR", ""))


def request_device(request: HttpRequest) -> tuple[str, str]:
    return summarise_user_agent(request.META.get("HTTP_USER_AGENT", "")[:500])
