package dev.sluice.project;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Keys, under {@code sluice.security.*}.
 *
 * @param adminKey the admin key of a fresh database ({@code SLUICE_ADMIN_KEY}): stored (as its
 *     hash) at start if no key has it yet. Without one, and with no live admin key stored, Sluice
 *     makes one and prints it once in the log. Set it from the environment or a secret file, never
 *     on the command line (it would show in {@code ps}).
 * @param keyCacheTtl how long a checked key is remembered (default 10 s): a key revoked on another
 *     instance is refused there after at most this long (on this instance, at once)
 * @param keyCacheSize most keys remembered (default 10,000; unknown keys count too, so a flood of
 *     made-up keys costs one indexed lookup each and no memory beyond this)
 */
@Validated
@ConfigurationProperties("sluice.security")
record SecurityProperties(
        String adminKey,
        @DefaultValue("10s") @NotNull Duration keyCacheTtl,
        @DefaultValue("10000") int keyCacheSize) {

    public SecurityProperties {
        if (adminKey != null && adminKey.isBlank()) {
            adminKey = null;
        }
        if (adminKey != null && !Keys.wellFormed(adminKey)) {
            throw new IllegalArgumentException("sluice.security.admin-key (SLUICE_ADMIN_KEY) must be " + Keys.RULE);
        }
    }

    /** Hides the key from anything that prints the properties. */
    @Override
    public String toString() {
        return "SecurityProperties[adminKey=" + (adminKey == null ? "none" : "(set)") + ", keyCacheTtl=" + keyCacheTtl
                + ", keyCacheSize=" + keyCacheSize + "]";
    }
}
