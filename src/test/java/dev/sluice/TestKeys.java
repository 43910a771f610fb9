package dev.sluice;

/**
 * The keys of the tests: every Sluice a test starts has {@link #ADMIN} as its admin key
 * ({@code sluice.security.admin-key}), and {@link Api} sends it unless told otherwise.
 */
public final class TestKeys {

    /** The admin key of every test instance (a test value, never a secret). */
    public static final String ADMIN = "sk-sluice-test-admin-key-not-a-secret";

    /** The key of the development run ({@code ./mvnw spring-boot:test-run}), as the README documents it. */
    public static final String DEVELOPMENT = "sk-sluice-dev-local-only-not-a-secret";

    private TestKeys() {}
}
