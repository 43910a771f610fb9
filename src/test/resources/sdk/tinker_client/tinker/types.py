"""The request types the seed uses, each turned into the JSON body the protocol takes."""


class _Body:
    type = None

    def __init__(self, **fields):
        self.fields = fields

    def body(self):
        out = {k: (v.body() if isinstance(v, _Body) else v) for k, v in self.fields.items()}
        if self.type is not None:
            out["type"] = self.type
        return out


class CreateSamplingSessionRequest(_Body):
    type = "create_sampling_session"


class SamplingParams(_Body):
    pass


class SampleRequest(_Body):
    type = "sample"

    def body(self):
        out = super().body()
        out.setdefault("prompt_logprobs", False)
        out.setdefault("topk_prompt_logprobs", 0)
        return out


class FutureRetrieveRequest(_Body):
    def body(self):
        out = super().body()
        out.setdefault("allow_metadata_only", False)
        return out


class ModelInput(_Body):
    @classmethod
    def from_ints(cls, tokens):
        return cls(chunks=[{"tokens": list(tokens), "type": "encoded_text"}])
