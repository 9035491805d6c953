"""One HTTP POST to a webhook, to the address that was checked.

The host is resolved and every address checked (`service.resolve`) right before sending, and
the connection goes to that checked address (TLS still verifies the host name), so a DNS
answer that changes between the check and the connection cannot turn a public host into a
private one. Redirects are not followed: they could lead anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

TIMEOUT = urllib3.Timeout(connect=5, read=10)


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str


def post(url: str, address: str, port: int, headers: dict[str, str], body: bytes) -> Answer:
    """POST BODY to URL through ADDRESS:PORT; the receiver's status, or the error."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host_header = parts.netloc.rsplit("@", 1)[-1]
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            timeout=TIMEOUT,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False)
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                path,
                body=body,
                headers={**headers, "Host": host_header},
                redirect=False,
                preload_content=False,
            )
            response.read(64 * 1024)  # enough to keep the connection honest; the rest is ignored
            response.release_conn()
            return Answer(response.status, "")
    except urllib3.exceptions.HTTPError as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}"[:300])
