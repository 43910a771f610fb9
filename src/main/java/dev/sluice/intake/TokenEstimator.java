package dev.sluice.intake;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.upstream.Protocol;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A job's tokens when its request sends no {@code token_count}: its prompt plus what it may
 * generate ({@code num_samples} or {@code n} times {@code max_tokens}, or
 * {@code sluice.jobs.default-max-tokens} when it names none). An estimate the limiter reserves
 * before the send; the answer's real usage corrects it afterwards.
 *
 * <ul>
 *   <li>{@code tinker}: the prompt is token ids already ({@code prompt.chunks[].tokens}): exact.
 *   <li>{@code openai}: the text of {@code messages} (or {@code prompt}, or {@code input}) through
 *       the model's own tokenizer where it is known (jtokkit: {@code o200k_base} for gpt-4o,
 *       gpt-4.1, gpt-5, o-series and gpt-oss; {@code cl100k_base} for gpt-4 and gpt-3.5), plus
 *       OpenAI's documented overhead of 3 tokens a message (one more with a name) and 3 for the
 *       reply; for other models (Llama, Qwen, Mixtral on Groq...) a character count over 4.
 *   <li>{@code noop}: as {@code openai}.
 * </ul>
 */
final class TokenEstimator {

    /** Tokens OpenAI counts around each chat message, and before the reply. */
    private static final int PER_MESSAGE = 3;

    private static final int PER_NAME = 1;
    private static final int REPLY = 3;
    /** An image part of a message, counted as a low-detail image. */
    private static final int PER_IMAGE = 85;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final int defaultMaxTokens;

    TokenEstimator(int defaultMaxTokens) {
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** The estimate, at most {@link Integer#MAX_VALUE}. */
    int estimate(Protocol protocol, String model, JsonNode payload) {
        long tokens = protocol == Protocol.TINKER ? tinker(payload) : openAi(model, payload);
        return (int) Math.min(Integer.MAX_VALUE, tokens);
    }

    private long tinker(JsonNode payload) {
        long prompt = 0;
        for (JsonNode chunk : payload.path("prompt").path("chunks")) {
            JsonNode ids = chunk.get("tokens");
            if (ids != null && ids.isArray()) {
                prompt += ids.size();
            } else if (chunk.path("expected_tokens").canConvertToInt()) {
                prompt += Math.max(0, chunk.get("expected_tokens").intValue());
            }
        }
        long samples = positive(payload.get("num_samples"), 1);
        return prompt + samples * positive(payload.path("sampling_params").get("max_tokens"), defaultMaxTokens);
    }

    private long openAi(String model, JsonNode payload) {
        Counter counter = counter(model);
        long prompt = 0;
        JsonNode messages = payload.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                prompt += PER_MESSAGE + counter.count(m.path("role").asString(""));
                if (m.path("name").isString()) {
                    prompt += PER_NAME + counter.count(m.get("name").stringValue());
                }
                prompt += content(m.get("content"), counter);
            }
            prompt += REPLY;
        } else {
            prompt += content(payload.get("prompt"), counter) + content(payload.get("input"), counter);
        }
        if (payload.has("input") && !payload.has("messages") && !payload.has("prompt")) {
            return prompt; // embeddings: nothing generated
        }
        JsonNode max =
                payload.has("max_completion_tokens") ? payload.get("max_completion_tokens") : payload.get("max_tokens");
        return prompt + positive(payload.get("n"), 1) * positive(max, defaultMaxTokens);
    }

    /** A message's content: a string, or parts (text counted, images at a fixed cost), or a list of strings. */
    private static long content(JsonNode content, Counter counter) {
        if (content == null) {
            return 0;
        }
        if (content.isString()) {
            return counter.count(content.stringValue());
        }
        long n = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isString()) {
                    n += counter.count(part.stringValue());
                } else if (part.path("text").isString()) {
                    n += counter.count(part.get("text").stringValue());
                } else if (part.path("type").asString("").startsWith("image")) {
                    n += PER_IMAGE;
                }
            }
        }
        return n;
    }

    private static long positive(JsonNode v, long otherwise) {
        return v != null && v.canConvertToLong() && v.longValue() > 0 ? v.longValue() : otherwise;
    }

    @FunctionalInterface
    private interface Counter {
        long count(String text);
    }

    /** The model's tokenizer where it is known; characters over 4 otherwise. */
    private static Counter counter(String model) {
        EncodingType type = encodingOf(model);
        if (type == null) {
            return text -> (text.length() + 3) / 4;
        }
        Encoding encoding = REGISTRY.getEncoding(type);
        return encoding::countTokensOrdinary;
    }

    static EncodingType encodingOf(String model) {
        if (model == null) {
            return null;
        }
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        m = m.substring(slash + 1); // openai/gpt-oss-120b on Groq
        if (m.startsWith("gpt-4o")
                || m.startsWith("chatgpt-4o")
                || m.startsWith("gpt-4.1")
                || m.startsWith("gpt-5")
                || m.startsWith("gpt-oss")
                || m.matches("o[1-9]([-.].*)?")) {
            return EncodingType.O200K_BASE;
        }
        if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5") || m.startsWith("text-embedding-")) {
            return EncodingType.CL100K_BASE;
        }
        return null;
    }
}
