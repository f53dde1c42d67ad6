"""A threaded HTTPS server on 127.0.0.1 with a trustme test CA, and a requests session
that trusts that CA and routes the CRMs' public host names (login.salesforce.com,
api.hubapi.com...) to it. Nothing leaves the machine."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests
import trustme
from requests.adapters import HTTPAdapter

ROUTED = ("salesforce.com", "hubapi.com")


class Reply:
    """What a fake answers: status, headers, body (bytes, or an object sent as JSON)."""

    def __init__(self, status=200, body=b"", headers=None, *, cut_after=None):
        self.status = status
        self.headers = dict(headers or {})
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            self.headers.setdefault("Content-Type", "application/json;charset=UTF-8")
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.cut_after = cut_after  # send only this many bytes, then reset the connection


class FakeServer:
    """Runs ``app(method, path, query, headers, body) -> Reply`` over HTTPS."""

    def __init__(self, app, ca: trustme.CA):
        self.app = app
        cert = ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                reply = outer.app(self.command, url.path, query, self.headers, body)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.cut_after is not None:
                    self.wfile.write(reply.body[: reply.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class RouteAdapter(HTTPAdapter):
    """Sends requests for the CRMs' public hosts to the local fake instead."""

    def __init__(self, target: str):
        super().__init__()
        self.target = urlparse(target).netloc

    def send(self, request, **kwargs):
        url = urlparse(request.url)
        if url.hostname and url.hostname.endswith(ROUTED):
            request.url = url._replace(netloc=self.target).geturl()
        return super().send(request, **kwargs)


def trusting_session(ca_file: str, target: str) -> requests.Session:
    session = requests.Session()
    session.verify = ca_file
    session.mount("https://", RouteAdapter(target))
    return session
