"""The official OpenAI Python SDK against the emulator's OpenAI side: lists the models, then
streams a chat completion. Prints one JSON line of what it got, for OpenAiSdkEmulatorTest."""
import json
import sys

from openai import OpenAI

base_url, api_key = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=20)

models = [m.id for m in client.models.list()]
chunks, text, finish = 0, "", None
stream = client.chat.completions.create(
    model="llama-3.1-8b-instant",
    messages=[{"role": "user", "content": "Say hi"}],
    max_tokens=6,
    stream=True,
)
for chunk in stream:
    chunks += 1
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
        finish = chunk.choices[0].finish_reason or finish
print(json.dumps({"models": models, "chunks": chunks, "text": text, "finish_reason": finish}))
