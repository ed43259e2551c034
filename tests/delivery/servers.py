"""A local HTTP server that records what it is sent: a frontend's webhook
receiver, a CDN's purge API, a Varnish in front of the API."""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Recorder:
    """Answers each request with the next of `statuses` (the last one repeats),
    after `delay` seconds, and records it in `requests`."""

    def __init__(self, statuses=(200,), delay=0.0, answer=b'{"success": true}'):
        self.statuses = list(statuses)
        self.delay = delay
        self.answer = answer
        self.requests = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                recorder.requests.append(
                    Received(self.command, self.path, headers, body)
                )
                time.sleep(recorder.delay)
                status = recorder.statuses[
                    min(len(recorder.requests), len(recorder.statuses)) - 1
                ]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(recorder.answer)))
                self.end_headers()
                self.wfile.write(recorder.answer)

            do_POST = do_PURGE = do_GET = handle_any  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
