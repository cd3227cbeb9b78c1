"""Real-browser tests: Playwright driving the system's Chromium (never a
downloaded one), axe-core accessibility checks, and the emails the worker
writes to a mail folder.

Chromium comes from `apt-get install chromium` (/usr/bin/chromium) or
$CHROMIUM_PATH. These tests never skip: without Chromium they fail and say
what to install."""

import email.policy
import os
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast

import pytest
from axe_playwright_python.sync_playwright import Axe

# The ORM runs in the test thread next to Playwright's event loop (also set in
# tests/conftest.py; repeated here so this folder stands on its own).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Impacts that fail a test; minor and moderate ones are printed only.
AXE_FAILING_IMPACTS = {"serious", "critical"}


def chromium_executable() -> str:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {path}: the browser tests need it. Install it with "
            "`apt-get update && apt-get install -y --no-install-recommends chromium` "
            "or point CHROMIUM_PATH to a Chromium binary (never `playwright install`).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, with the system Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # French first, as the site's visitors.
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def page(page: Any) -> Any:
    # Fail in seconds, not after Playwright's default 30 s.
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return page


@pytest.fixture(autouse=True)
def _no_context_left_open(browser: Any) -> Iterator[None]:
    """Fail a test that leaves a browser context open (pytest-playwright's
    `context` and `new_context` close theirs before this runs). Its keep-alive
    connections would hold live-server threads until the browser closes at the
    end of the session, after the server handed back the shared in-memory
    SQLite connection: those threads then fail on it, and the warning lands on
    whichever test ran last."""
    yield
    left_open = list(browser.contexts)
    for context in left_open:
        context.close()
    if left_open:
        pytest.fail(
            f"{len(left_open)} browser context(s) left open: close them in the test "
            "(try/finally) or use the `new_context` fixture.",
            pytrace=False,
        )


_axe = Axe()


def axe_report(violations: list[dict[str, Any]], url: str) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}) on {url}: {violation['help']}"
            f" [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            snippet = " ".join(node.get("html", "").split())[:200]
            lines.append(f"    at {target}: {snippet}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    results = _axe.run(page)
    return list(results.response["violations"])


@pytest.fixture
def axe_check() -> Callable[[Any], None]:
    """axe_check(page): run axe-core on the page as it is now; fail listing
    every serious or critical violation (rule id, selector, snippet, page)."""

    def check(page: Any) -> None:
        violations = axe_violations(page)
        minor = [v for v in violations if v.get("impact") not in AXE_FAILING_IMPACTS]
        if minor:
            print(f"axe, minor or moderate, on {page.url}:\n{axe_report(minor, page.url)}")
        failing = [v for v in violations if v.get("impact") in AXE_FAILING_IMPACTS]
        if failing:
            pytest.fail(
                f"axe-core found {len(failing)} serious or critical accessibility violation(s) "
                f"on {page.url}:\n{axe_report(failing, page.url)}",
                pytrace=False,
            )

    return check


# Django's file backend writes each message followed by a line of 79 dashes.
_MESSAGE_SEPARATOR = re.compile(rb"^-{79}$", re.MULTILINE)


class MailFolder:
    """The folder the file mail backend writes to, read back as messages."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[EmailMessage]:
        """Every message written to the folder, oldest file first."""
        found = []
        for path in sorted(self.path.glob("*.log"), key=lambda p: (p.stat().st_mtime, p.name)):
            for chunk in _MESSAGE_SEPARATOR.split(path.read_bytes()):
                chunk = chunk.strip(b"\r\n")
                if chunk:
                    message = BytesParser(policy=email.policy.default).parsebytes(chunk)
                    found.append(cast(EmailMessage, message))
        return found

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The decoded plain-text body (quoted-printable or base64 undone)."""
        body = message.get_body(preferencelist=("plain",))
        assert body is not None, f"no text part in {message['Subject']!r}"
        return str(body.get_content())


@pytest.fixture
def mail_folder(settings: Any, tmp_path: Path) -> MailFolder:
    """Mail goes to files in a folder of this test's own, as with the default
    set-up (var/mail/). The live server runs in this process, so it sees this
    setting, and so does the task worker run by the test."""
    folder = tmp_path / "mail"
    folder.mkdir()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(folder)},
        }
    }
    return MailFolder(folder)


@pytest.fixture
def member_named(section: Any, charter: Any) -> Callable[[str, str], Any]:
    """member_named("Amina", "Diallo"): a confirmed member of the section who
    accepted the charter, with the handle @amina-diallo and an example email."""
    from tests.factories import MemberFactory

    def make(first: str, last: str) -> Any:
        handle = f"{first}-{last}".lower().replace(" ", "-")
        return MemberFactory(
            section=section,
            charter_version_accepted=charter.number,
            first_name=first,
            last_name=last,
            handle=handle,
            email=f"{handle.replace('-', '.')}@example.org",
        )

    return make
