package dev.sluice.project;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Service;

/**
 * Checks the key of a request: one indexed lookup by its SHA-256 (api_key_hash_key, with its
 * project), remembered for {@code sluice.security.key-cache-ttl}, unknown keys too. Expiry is
 * checked on every request against the clock; a revocation on this instance forgets every
 * remembered key at once. A use is written to {@code last_used_at} at most once a minute.
 */
@Service
public class KeyCheck {

    /** The answer for one key: the caller, or why the key is refused. */
    public record Outcome(Caller caller, String refusal) {}

    /** A looked-up key, and when this instance last wrote its use. */
    private record Remembered(ApiKeys.Found found, AtomicReference<Instant> touched) {}

    private final ApiKeys keys;
    private final Clock clock;
    private final Cache<ByteBuffer, Remembered> known;
    /** Hashes no key has, apart: a flood of made-up keys cannot push the real ones out of {@link #known}. */
    private final Cache<ByteBuffer, Boolean> unknown;

    KeyCheck(ApiKeys keys, Clock clock, SecurityProperties properties) {
        this.keys = keys;
        this.clock = clock;
        this.known = Caffeine.newBuilder()
                .maximumSize(properties.keyCacheSize())
                .expireAfterWrite(properties.keyCacheTtl())
                .build();
        this.unknown = Caffeine.newBuilder()
                .maximumSize(properties.keyCacheSize())
                .expireAfterWrite(properties.keyCacheTtl())
                .build();
    }

    public Outcome check(String key) {
        if (!Keys.wellFormed(key)) {
            return new Outcome(null, "is not a Sluice key (" + Keys.PREFIX + "...)");
        }
        ByteBuffer hash = ByteBuffer.wrap(Keys.hash(key));
        Optional<Remembered> found = unknown.getIfPresent(hash) != null
                ? Optional.empty()
                : Optional.ofNullable(known.get(hash, this::lookUp));
        if (found.isEmpty()) {
            unknown.put(hash, Boolean.TRUE);
            return new Outcome(null, "is not a known key");
        }
        ApiKeys.StoredKey stored = found.get().found().key();
        Instant now = clock.instant();
        if (stored.revokedAt() != null) {
            return new Outcome(null, "was revoked at " + stored.revokedAt());
        }
        if (stored.expiresAt() != null && !now.isBefore(stored.expiresAt())) {
            return new Outcome(null, "expired at " + stored.expiresAt());
        }
        Instant touched = found.get().touched().get();
        if ((touched == null || touched.isBefore(now.minusSeconds(60)))
                && found.get().touched().compareAndSet(touched, now)) {
            keys.touch(stored.id(), now);
        }
        return new Outcome(new Caller(stored.id(), found.get().found().project(), stored.scopes()), null);
    }

    /** Forgets every remembered key: after a revocation or a change to a project. */
    public void forgetAll() {
        known.invalidateAll();
        unknown.invalidateAll();
    }

    /** The key of this hash from the database, or null (Caffeine then remembers nothing). */
    private Remembered lookUp(ByteBuffer hash) {
        return keys.findByHash(hash.array())
                .map(f -> new Remembered(f, new AtomicReference<>(f.key().lastUsedAt())))
                .orElse(null);
    }
}
