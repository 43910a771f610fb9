"""AsyncTinker: the low-level client's calls, each one POST of a JSON body (standard library only)."""
import asyncio
import json
import os
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

from ._errors import APIStatusError


class Response:
    """An HTTP answer as the SDK's raw response shows it: status_code, headers (any case), json()."""

    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    def json(self):
        return json.loads(self.content)


class AsyncTinker:
    def __init__(self, api_key=None, base_url=None):
        self.api_key = api_key or os.environ.get("TINKER_API_KEY")
        if not self.api_key or not self.api_key.startswith("tml-"):
            raise ValueError("The api_key client option must start with 'tml-'")
        self.base_url = (base_url or os.environ.get("TINKER_BASE_URL") or "").rstrip("/")
        self.service = SimpleNamespace(create_sampling_session=self._create_sampling_session,
                                       create_session=self._create_session)
        self.sampling = SimpleNamespace(asample=self._asample)
        self.futures = SimpleNamespace(with_raw_response=SimpleNamespace(retrieve=self._retrieve_raw))

    async def __aenter__(self):
        await self._post("/api/v1/client/config", {"sdk_version": "0.25.0"})
        return self

    async def __aexit__(self, *exc):
        return None

    async def _post(self, path, body, extra_headers=None):
        headers = {"X-API-Key": self.api_key, "X-Idempotency-Key": str(uuid.uuid4()),
                   "Content-Type": "application/json", "Accept": "application/json"}
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), headers=headers,
                                         method="POST")
        response = await asyncio.to_thread(self._send, request)
        if response.status_code >= 400:
            raise APIStatusError(response)
        return response

    @staticmethod
    def _send(request):
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    async def _create_session(self):
        answer = await self._post("/api/v1/create_session",
                                  {"tags": [], "user_metadata": {}, "sdk_version": "0.25.0", "type": "create_session"})
        return SimpleNamespace(**answer.json())

    async def _create_sampling_session(self, request):
        answer = await self._post("/api/v1/create_sampling_session", request.body())
        return SimpleNamespace(**answer.json())

    async def _asample(self, request, extra_headers=None):
        answer = await self._post("/api/v1/asample", request.body(), extra_headers)
        return SimpleNamespace(**answer.json())

    async def _retrieve_raw(self, request):
        return await self._post("/api/v1/retrieve_future", request.body())
