"""A small closed-loop HTTP load generator: threads with keep-alive connections to loopback.

Each window is bounded in time and in requests; a request still under way when the time is
up is waited for and counted, so a slow page is measured over its whole last request.
"""

import http.client
import threading
import time
from dataclasses import dataclass

HOST = "127.0.0.1"  # loopback only: the benchmark never sends traffic anywhere else
TIMEOUT = 60


@dataclass
class Window:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET, answered in full: status, headers (lower-case names) and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def timed_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], float]:
    """One GET on a new connection: status, headers and the seconds until the whole answer."""
    start = time.perf_counter()
    status, response_headers, _body = get(port, path, headers)
    return status, response_headers, time.perf_counter() - start


def hammer(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
) -> Window:
    """Send GETs of `path` over `connections` concurrent connections for `seconds` (at most
    `max_requests` in all); count the answers and those that were not 200."""
    lock = threading.Lock()
    counts = {"started": 0, "done": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if counts["started"] >= max_requests:
                        return
                    counts["started"] += 1
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
                    ok = False
                with lock:
                    counts["done"] += 1
                    counts["errors"] += not ok
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Window(counts["done"], counts["errors"], time.monotonic() - start)
