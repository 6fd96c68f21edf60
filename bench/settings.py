"""Production settings plus what the benchmark measures with; used only by `make bench` and
`make loadtest`, never by a deployment (`workstation.settings` does not know this module)."""

from workstation.settings import *  # noqa: F403
from workstation.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that the count covers every query of the request, the session's and the user's too.
MIDDLEWARE = ["bench.server.QueryCountMiddleware", *MIDDLEWARE]
