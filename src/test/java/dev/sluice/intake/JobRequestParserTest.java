package dev.sluice.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.callback.CallbackProperties;
import dev.sluice.callback.CallbackTargetsAccess;
import dev.sluice.job.Violation;
import dev.sluice.upstream.Protocol;
import dev.sluice.upstream.UpstreamProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

class JobRequestParserTest {

    private static JobRequestParser parser(String secret) {
        var noop = UpstreamProperties.Config.of(Protocol.NOOP, null);
        var upstreams = new dev.sluice.upstream.UpstreamsAccess()
                .of(new UpstreamProperties("noop", Map.of("noop", noop), java.time.Duration.ofSeconds(10)));
        var callbacks = new CallbackProperties(
                secret,
                10,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10),
                50,
                32,
                Duration.ofMinutes(1),
                Duration.ofMillis(500),
                true,
                DataSize.ofKilobytes(1));
        return new JobRequestParser(
                upstreams, new JobProperties(5, 1024), callbacks, CallbackTargetsAccess.of(callbacks));
    }

    private static List<Violation> parse(JobRequestParser parser, String json) {
        List<Violation> violations = new ArrayList<>();
        parser.parse(
                JsonMapper.builder().build().readTree(json),
                JobRequestParser.Source.SINGLE,
                parser.defaults(),
                violations);
        return violations;
    }

    @Test
    void aCallbackUrlNeedsASigningSecretOnTheServer() {
        String job =
                "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"callback_url\":\"http://127.0.0.1:9/hook\"}";

        assertThat(parse(parser(null), job)).extracting(Violation::field).containsExactly("callback_url");
        assertThat(parse(parser(null), job).getFirst().rule()).contains("sluice.callbacks.secret");
        assertThat(parse(parser("s3cret"), job)).isEmpty();
    }
}
