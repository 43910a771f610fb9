"""The official OpenAI Python SDK against Sluice's OpenAI door, the whole Batch API flow: upload a
file, read it back, make a batch with a priority, wait for it, read its output; a file with bad
lines is refused whole; a batch on a slow model is cancelled and keeps what was done. Prints one
JSON line of what it saw, for OpenAiBatchDoorTest."""
import json
import sys
import time

import openai
from openai import OpenAI

base_url, api_key, model, slow_model = sys.argv[1:5]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)
seen = {}


def line(i, m):
    return json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions",
                       "body": {"model": m, "max_tokens": 5,
                                "messages": [{"role": "user", "content": f"Say {i}"}]}})


def wait(batch_id, done):
    deadline = time.time() + 60
    while True:
        b = client.batches.retrieve(batch_id)
        if b.status in done or time.time() > deadline:
            return b
        time.sleep(0.2)


text = "\n".join(line(i, model) for i in range(20)) + "\n"
f = client.files.create(file=("requests.jsonl", text.encode()), purpose="batch")
seen["file"] = {"id": f.id, "bytes": f.bytes, "purpose": f.purpose,
                "retrieved_bytes": client.files.retrieve(f.id).bytes,
                "content_same": client.files.content(f.id).read() == text.encode()}

b = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h",
                          metadata={"priority": "high", "team": "search"})
seen["created_status"] = b.status
b = wait(b.id, ("completed", "failed", "expired", "cancelled"))
out = client.files.content(b.output_file_id).text.strip().split("\n")
first = json.loads(out[0])
seen["batch"] = {"id": b.id, "status": b.status, "counts": b.request_counts.model_dump(),
                 "metadata": b.metadata, "error_file_id": b.error_file_id,
                 "completed_at": b.completed_at, "created_at": b.created_at,
                 "output_lines": len(out), "custom_ids": sorted(json.loads(o)["custom_id"] for o in out),
                 "first_status_code": first["response"]["status_code"],
                 "first_object": first["response"]["body"]["object"]}
seen["listed"] = [x.id for x in client.batches.list(limit=10).data]
seen["models"] = [m.id for m in client.models.list()]

bad = '{"custom_id":"a","method":"GET","url":"/v1/chat/completions","body":{"model":"%s"}}\nnot json\n' % model
try:
    client.files.create(file=("bad.jsonl", bad.encode()), purpose="batch")
    seen["bad"] = "accepted"
except openai.BadRequestError as e:
    seen["bad"] = {"status": e.status_code, "message": e.message, "param": e.param,
                   "errors": e.response.json().get("errors")}

slow_text = "\n".join(line(i, slow_model) for i in range(30)) + "\n"
slow_file = client.files.create(file=("slow.jsonl", slow_text.encode()), purpose="batch")
slow = client.batches.create(input_file_id=slow_file.id, endpoint="/v1/chat/completions", completion_window="24h")
time.sleep(1.5)
cancelled = client.batches.cancel(slow.id)
seen["cancel_answer"] = cancelled.status
slow = wait(slow.id, ("cancelled",))
errors = client.files.content(slow.error_file_id).text.strip().split("\n")
seen["cancelled"] = {"status": slow.status, "counts": slow.request_counts.model_dump(),
                     "error_lines": len(errors), "error_code": json.loads(errors[0])["error"]["code"],
                     "cancelled_at": slow.cancelled_at}
seen["deleted"] = client.files.delete(slow_file.id).deleted
try:
    client.files.retrieve(slow_file.id)
    seen["after_delete"] = "found"
except openai.NotFoundError as e:
    seen["after_delete"] = e.status_code
print(json.dumps(seen))
