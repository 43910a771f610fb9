#!/usr/bin/env python3
"""A callback receiver for trying Sluice out: verifies each X-Sluice-Signature and prints the job.

Usage: python3 docs/callback-receiver.py [PORT] [SECRET]     (defaults: 9000, dev-secret)
"""
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
SECRET = (sys.argv[2] if len(sys.argv) > 2 else "dev-secret").encode()
PRINT = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(p.split("=", 1) for p in self.headers.get("X-Sluice-Signature", "").split(",") if "=" in p)
        expected = hmac.new(SECRET, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(parts.get("t", "0"))) < 300
        ok = fresh and hmac.compare_digest(expected, parts.get("v1", ""))
        job = json.loads(body)
        with PRINT:
            print(f"job {job['id']} {job['state']} delivery {self.headers['X-Sluice-Delivery']} "
                  f"signature {'ok' if ok else 'BAD'}", flush=True)
        self.send_response(200 if ok else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
