"""The clients of bench/faults.py: an organizer's browser (a signed-in session, forms with their
CSRF token) and a check-in desk that scans as the scanner page does."""

import http.client
import json
import time
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlencode, urlparse

# A desk keeps a scan that met one of these (or no answer at all) and sends it again, as the
# scanner page's queue does.
TRY_AGAIN = {502, 503, 504}


class Browser:
    """HTTP/1.1 to one server with cookies; redirects are not followed (their status counts)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: bytes = b"", headers=None):
        """(status, body); status 0 when the server did not answer."""
        headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";")[0].partition("=")
                self.cookies[name.strip()] = value
            return response.status, response.read()
        except OSError:
            return 0, b""
        finally:
            connection.close()

    def csrf(self, page: str) -> str:
        if "csrftoken" not in self.cookies:
            self.request("GET", page)
        return self.cookies.get("csrftoken", "")

    def post_form(self, path: str, fields: dict) -> int:
        token = self.csrf(path)
        body = urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True).encode()
        status, _body = self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return status

    def edit_meeting(self, meeting_id: int, **changes) -> int:
        """Open the meeting's edit page, change the given fields of its form, save it."""
        path = f"/meetings/{meeting_id}/edit/"
        status, page = self.request("GET", path)
        if status != 200:
            return status
        fields = _form_with(page.decode(), "meeting-venue")
        fields.update({f"meeting-{name}": value for name, value in changes.items()})
        fields.pop("csrfmiddlewaretoken", None)
        return self.post_form(path, fields)

    def open_scanner(self, link_secret: str) -> None:
        self.csrf(f"/checkin/{link_secret}/")


def scan_with_retries(browser: Browser, link_secret: str, ticket: str, session_id: int):
    """One scan, sent until it is answered (as the scanner's queue does): its status ("ok",
    "already_checked_in", …) and every HTTP status met on the way."""
    token = browser.csrf(f"/checkin/{link_secret}/")
    scan = {
        "content": ticket,
        "session": session_id,
        "nonce": str(uuid.uuid4()),
        "scanned_at": datetime.now(UTC).isoformat(),
    }
    codes = []
    for _attempt in range(240):
        status, body = browser.request(
            "POST", f"/checkin/{link_secret}/scan/", json.dumps(scan).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": token},
        )  # fmt: skip
        codes.append(status)
        if status and status not in TRY_AGAIN:
            try:
                return json.loads(body).get("status", f"http_{status}"), codes
            except ValueError:
                return f"http_{status}", codes
        time.sleep(0.5)
    return "unanswered", codes


class _Forms(HTMLParser):
    """The fields of each form of a page, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.current[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self.select, self.first_option = attrs["name"], None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.current[self.select] = value
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self.select and self.current is not None:
            self.current.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            # A newline right after <textarea> is not part of the value (HTML).
            text = self.current[self.textarea] + data
            self.current[self.textarea] = text.removeprefix("\n")


def _form_with(page: str, field: str) -> dict:
    parser = _Forms()
    parser.feed(page)
    return next(form for form in parser.forms if field in form)
