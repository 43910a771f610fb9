package dev.sluice.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

/**
 * The SSRF guard, spelling by spelling. Nothing here connects anywhere: a refused URL is refused
 * before any connection, and the one public address is only checked.
 */
class CallbackTargetsTest {

    private static CallbackTargets targets(boolean allowPrivate) {
        return new CallbackTargets(new CallbackProperties(
                "s",
                10,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10),
                50,
                32,
                Duration.ofMinutes(1),
                Duration.ofMillis(500),
                allowPrivate,
                DataSize.ofKilobytes(1)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/actuator/env",
                "http://127.0.0.1/api/v1/jobs",
                "http://localhost/",
                "http://app.localhost/",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/",
                "http://10.255.255.255/",
                "http://172.16.0.1/",
                "http://172.31.255.255/",
                "http://192.168.1.1/",
                "http://100.64.0.1/",
                "http://[fc00::1]/",
                "http://[fd12:3456::1]/",
                "http://[::1]/",
                "http://[::]/",
                "http://[fe80::1]/",
                "http://[::ffff:169.254.169.254]/",
                "http://[::ffff:127.0.0.1]/",
                "http://[::127.0.0.1]/",
                "http://[64:ff9b::a9fe:a9fe]/",
                "http://[2002:a9fe:a9fe::1]/",
                "http://0x7f000001/",
                "http://2130706433/",
                "http://0/",
                "http://0.0.0.0/",
                "http://127.1/",
                "http://0177.0.0.1/",
                "http://224.0.0.1/",
                "http://255.255.255.255/",
                "http://metadata.google.internal/computeMetadata/v1/",
                "http://metadata/",
                "http://intranet/",
                "http://printer.local/",
                "http://db.corp.internal/",
                "http://127.0.0.1./"
            })
    void refusesEverySpellingOfAnInternalAddress(String url) {
        assertThat(targets(false).problem(url)).isNotNull().startsWith("must reach a public host: ");
    }

    @Test
    void namesWhatIsWrongWithTheAddress() {
        CallbackTargets t = targets(false);
        assertThat(t.problem("http://169.254.169.254/")).contains("link-local");
        assertThat(t.problem("http://[::ffff:169.254.169.254]/"))
                .contains("169.254.169.254")
                .contains("link-local");
        assertThat(t.problem("http://10.1.2.3/")).contains("private").contains("allow-private-networks");
        assertThat(t.problem("http://0x7f000001/")).contains("non-standard spelling");
        assertThat(t.problem("http://metadata.google.internal/")).contains("metadata");
        assertThat(t.problem("http://no-such-host.invalid/")).contains("does not resolve");
        assertThat(t.problem("ftp://example.com/")).isEqualTo("must be an absolute http or https URL");
        assertThat(t.problem("https://user:pw@example.com/")).contains("credentials");
    }

    @Test
    void acceptsAPublicAddress() {
        // Checked only: no connection is made.
        assertThat(targets(false).problem("https://93.184.215.14:8443/hook")).isNull();
        assertThat(targets(false).problem("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook"))
                .isNull();
    }

    @Test
    void privateNetworksCanBeAllowedButLinkLocalMulticastAndUnspecifiedNever() {
        CallbackTargets t = targets(true);
        assertThat(t.problem("http://127.0.0.1:9/hook")).isNull();
        assertThat(t.problem("http://localhost:9/hook")).isNull();
        assertThat(t.problem("http://10.0.0.1/hook")).isNull();
        assertThat(t.problem("http://[fd00::1]/hook")).isNull();
        assertThat(t.problem("http://169.254.169.254/")).isNotNull();
        assertThat(t.problem("http://[fe80::1]/")).isNotNull();
        assertThat(t.problem("http://224.0.0.1/")).isNotNull();
        assertThat(t.problem("http://0.0.0.0/")).isNotNull();
        assertThat(t.problem("http://metadata.google.internal/")).isNotNull();
        assertThat(t.problem("http://0x7f000001/")).isNotNull();
    }
}
