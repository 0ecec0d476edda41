"""The warm start: where the server is reached, and the script run once through the health check."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from geotrack import serve


def test_base_url_follows_the_streamlit_options():
    assert serve.base_url(["app.py"]) == "http://127.0.0.1:8501"
    assert serve.base_url(["app.py", "--server.port", "9000", "--server.address", "0.0.0.0"]) == \
        "http://127.0.0.1:9000"
    assert serve.base_url(["app.py", "--server.port=9001", "--server.address=127.0.0.1"]) == "http://127.0.0.1:9001"


def _serve(answers: list[tuple[int, bytes]]) -> Iterator[tuple[str, list[str]]]:
    """A loopback server answering like Streamlit: health, then each script health check with the next answer."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API names it
            asked.append(self.path)
            status, body = (200, b"ok") if self.path == "/_stcore/health" else answers.pop(0)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)  # one request at a time
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()


@pytest.fixture
def fake_server() -> Iterator[tuple[str, list[str]]]:
    """The script fails (an error, not a timeout)."""
    yield from _serve([(503, b"error")])


@pytest.fixture
def slow_server() -> Iterator[tuple[str, list[str]]]:
    """Streamlit's check times out twice (60 s each), then the run with the caches the first two filled ends."""
    yield from _serve([(503, b"timeout"), (503, b"timeout"), (200, b"ok")])


def test_warm_runs_the_script_once_and_reports_its_outcome(fake_server):
    url, asked = fake_server
    seconds, outcome = serve.warm(url, timeout_s=10)
    assert asked == ["/_stcore/health", "/_stcore/script-health-check"]  # an error is not run again
    assert outcome == "HTTP 503 (error)" and seconds >= 0


def test_warm_runs_the_script_again_while_streamlit_times_it_out(slow_server):
    url, asked = slow_server
    _, outcome = serve.warm(url, timeout_s=10)
    assert asked == ["/_stcore/health", *["/_stcore/script-health-check"] * 3]
    assert outcome == "ok"


def test_warm_gives_up_on_a_server_that_never_answers():
    seconds, outcome = serve.warm("http://127.0.0.1:9", timeout_s=0.3)
    assert outcome == "server did not answer" and seconds >= 0.3


def test_main_needs_a_script(capsys):
    assert serve.main(["--server.port", "1"]) == 2
    assert "usage" in capsys.readouterr().err
