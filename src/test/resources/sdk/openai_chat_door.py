"""The official OpenAI Python SDK sending chat completions through Sluice's OpenAI door: one
answered at once, one streamed, and one whose upstream is paused, so that Sluice holds it, answers
408, and the SDK's retries wait for the same job until a timer resumes the upstream. Prints one
JSON line of what it saw, for OpenAiChatDoorTest."""
import json
import sys
import threading
import urllib.request

from openai import OpenAI

base_url, api_key, model, slow_model, resume_url = sys.argv[1:6]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=10, timeout=20)
seen = {}
messages = [{"role": "user", "content": "Say hi"}]

raw = client.chat.completions.with_raw_response.create(model=model, messages=messages, max_tokens=6)
answer = raw.parse()
seen["plain"] = {"object": answer.object, "content": answer.choices[0].message.content,
                 "job": raw.headers.get("x-sluice-job-id"), "retries": raw.retries_taken}

chunks, text, finish, usage = 0, "", None, None
for chunk in client.chat.completions.create(model=model, messages=messages, max_tokens=6, stream=True,
                                            stream_options={"include_usage": True}):
    chunks += 1
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage:
        usage = chunk.usage.total_tokens
seen["stream"] = {"chunks": chunks, "text": text, "finish_reason": finish, "usage": usage}


def resume():
    request = urllib.request.Request(resume_url, method="POST", headers={"Authorization": "Bearer " + api_key})
    urllib.request.urlopen(request).read()


threading.Timer(3.0, resume).start()
raw = client.chat.completions.with_raw_response.create(
    model=slow_model, messages=messages, max_tokens=6, extra_headers={"X-Sluice-Priority": "high"})
seen["held"] = {"content": raw.parse().choices[0].message.content, "job": raw.headers.get("x-sluice-job-id"),
                "retries": raw.retries_taken}
print(json.dumps(seen))
