"""Serve a Streamlit page warm: ``python -m geotrack.serve app.py [streamlit run options]``.

Streamlit runs a page's script only when a browser opens it, so the first visitor after a start
pays for every import and every cache the page fills (seconds). This starts ``streamlit run``
with the given options and, as soon as the server answers, runs the script once in the server
through Streamlit's own script health check (``/_stcore/script-health-check``): the imports are
done and the shared caches (``st.cache_resource``/``st.cache_data``, keyed on the store's build)
hold the default view before anyone asks. One line goes to standard output when it is done::

    [geotrack.serve] warm in 2.1 s (script ran: ok)

``make run`` and the browser bench start the page this way.
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

#: The first word of the line written once the page is warm.
PREFIX = "[geotrack.serve]"
#: Seconds to wait for the server to answer before giving up warming it (it still serves).
START_TIMEOUT_S = 120.0
#: How many times the script is run while Streamlit's check keeps timing out (60 s each).
WARM_TRIES = 5
_HEALTH = "/_stcore/health"
_SCRIPT_HEALTH = "/_stcore/script-health-check"


def _option(args: Sequence[str], name: str, default: str) -> str:
    """The value of ``--name value`` or ``--name=value`` in ``args`` (the last one given), else ``default``."""
    value = default
    for k, arg in enumerate(args):
        if arg == name and k + 1 < len(args):
            value = args[k + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def base_url(args: Sequence[str]) -> str:
    """Where this machine reaches the server that ``streamlit run args`` starts."""
    address = _option(args, "--server.address", "127.0.0.1")
    if address in ("", "0.0.0.0", "::"):  # listening everywhere: loopback reaches it
        address = "127.0.0.1"
    return f"http://{address}:{_option(args, '--server.port', '8501')}"


def warm(url: str, timeout_s: float = START_TIMEOUT_S) -> tuple[float, str]:
    """Wait for the server at ``url``, then run its script once; return (seconds, outcome)."""
    start = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(url + _HEALTH, timeout=2):
                break
        except OSError:
            if time.monotonic() - start > timeout_s:
                return time.monotonic() - start, "server did not answer"
            time.sleep(0.1)  # polling while the server starts
    for _ in range(WARM_TRIES):
        outcome = _run_script(url, timeout_s)
        if outcome != "HTTP 503 (timeout)":
            break
        # Streamlit gives up on a script run after 60 s (a national-scale store on a busy machine): what the
        # run cached stays cached, so asking again goes on from there
    return time.monotonic() - start, outcome


def _run_script(url: str, timeout_s: float) -> str:
    """Run the page's script once through the script health check; its outcome in a few words."""
    try:
        with urllib.request.urlopen(url + _SCRIPT_HEALTH, timeout=timeout_s) as response:
            return "ok" if response.status == 200 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:  # 503: the script raised or timed out; the body says which
        said = exc.read(200).decode("utf-8", errors="replace").strip()
        return f"HTTP {exc.code}" + (f" ({said})" if said else "")
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


def _warm_and_report(url: str) -> None:
    seconds, outcome = warm(url)
    print(f"{PREFIX} warm in {seconds:.1f} s (script ran: {outcome})", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Start ``streamlit run`` with ``argv`` (the script, then its options), warming the page."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        print("usage: python -m geotrack.serve SCRIPT [streamlit run options]", file=sys.stderr)
        return 2
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=_warm_and_report, args=(base_url(args),), name="geotrack-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", *args, "--server.scriptHealthCheckEnabled", "true"]
    streamlit_cli.main()  # click's entry point: exits the process when the server stops
    return 0


if __name__ == "__main__":
    sys.exit(main())
