package dev.sluice.project;

import java.util.Arrays;
import java.util.List;

/** What a key may do. A key carries one or several. */
public enum Scope {
    /** Enqueue, cancel and retry its project's jobs. */
    SUBMIT,
    /** Read its project's jobs, batches, results, history, reports and queue. */
    READ,
    /** Everything: every project, keys, projects, nodes, metrics, the audit log. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The Spring Security authority of this scope. */
    String authority() {
        return "SCOPE_" + wireName();
    }

    /** The scope of a wire name, or null. */
    public static Scope fromWire(String name) {
        return Arrays.stream(values())
                .filter(s -> s.wireName().equals(name))
                .findFirst()
                .orElse(null);
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Scope::wireName).toList();
    }
}
