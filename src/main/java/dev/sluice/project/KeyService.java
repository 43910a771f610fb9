package dev.sluice.project;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Making, listing and revoking keys, each change in the audit log. */
@Service
public class KeyService {

    /** A key just made: the only time its secret {@code key} is known. */
    public record Made(ApiKeys.StoredKey stored, String key) {}

    private final ApiKeys keys;
    private final Projects projects;
    private final AuditLog audit;
    private final KeyCheck check;
    private final Clock clock;
    private final TransactionTemplate transaction;

    KeyService(
            ApiKeys keys,
            Projects projects,
            AuditLog audit,
            KeyCheck check,
            Clock clock,
            TransactionTemplate transaction) {
        this.keys = keys;
        this.projects = projects;
        this.audit = audit;
        this.check = check;
        this.clock = clock;
        this.transaction = transaction;
    }

    /** Makes a key for the project (made now if it is new). The arguments are validated by the caller. */
    public Made create(Caller by, String project, String name, Set<Scope> scopes, Instant expiresAt) {
        return transaction.execute(status -> {
            Instant now = clock.instant();
            Project p = projects.findOrCreate(project, now);
            String key = Keys.make();
            long id = keys.insert(
                    p.id(),
                    name,
                    Keys.shownPrefix(key),
                    Keys.hash(key),
                    scopes,
                    expiresAt,
                    now,
                    by == null ? null : by.keyId());
            audit.record(
                    by,
                    "key.create",
                    "key:" + id,
                    Map.of(
                            "project",
                            project,
                            "name",
                            name,
                            "scopes",
                            scopes.stream().map(Scope::wireName).toList()));
            return new Made(keys.findById(id).orElseThrow(), key);
        });
    }

    public List<ApiKeys.StoredKey> list() {
        return keys.findAll();
    }

    /** Revokes the key; false when it was revoked already. Throws {@link KeyNotFoundException} for no such key. */
    public boolean revoke(Caller by, long id) {
        Boolean revoked = transaction.execute(status -> {
            if (keys.findById(id).isEmpty()) {
                throw new KeyNotFoundException(id);
            }
            boolean now = keys.revoke(id, clock.instant(), by.keyId());
            audit.record(by, "key.revoke", "key:" + id, Map.of("revoked", now));
            return now;
        });
        check.forgetAll();
        return Boolean.TRUE.equals(revoked);
    }
}
