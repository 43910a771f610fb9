package dev.sluice.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a finished sample request: num_samples sequences of max_tokens tokens (at most
 * {@value #MAX_TOKENS}, which bounds the emulator's memory) with log-probabilities, made from the
 * request id alone, so the same request always gets the same answer.
 */
final class SampleResult {

    static final int MAX_TOKENS = 32_768;

    private SampleResult() {}

    static Map<String, Object> of(EmulatedRequest r) {
        List<Map<String, Object>> sequences = new ArrayList<>();
        for (int s = 0; s < r.numSamples; s++) {
            int length = Math.min(r.maxTokens, MAX_TOKENS);
            List<Integer> tokens = new ArrayList<>(length);
            List<Double> logprobs = new ArrayList<>(length);
            long seed = r.id.hashCode() * 31L + s;
            for (int i = 0; i < length; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                tokens.add((int) ((seed >>> 33) % 50_000));
                logprobs.add(-((seed >>> 40) % 1000) / 1000.0);
            }
            Map<String, Object> seq = new LinkedHashMap<>();
            seq.put("tokens", tokens);
            seq.put("logprobs", logprobs);
            seq.put("stop_reason", "length");
            sequences.add(seq);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "sample");
        body.put("sequences", sequences);
        body.put("request_id", r.id);
        return body;
    }
}
