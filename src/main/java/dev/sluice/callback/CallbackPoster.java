package dev.sluice.callback;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One callback POST, bounded in every way a receiver could stretch it: it connects only to the
 * addresses {@link CallbackTargets} allowed, follows no redirect, reads at most the answer prefix
 * (the rest of the body is never read: the connection is dropped), and is aborted at one deadline
 * that covers connecting, sending, the headers and the body, however slowly bytes trickle in.
 */
final class CallbackPoster implements AutoCloseable {

    /** The receiver's status (null: no answer), the start of its body, and what went wrong (null: nothing). */
    record Answer(Integer status, String bodyPrefix, String error) {}

    private final CloseableHttpClient http;
    private final int prefixBytes;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sluice-callback-deadlines").daemon().factory());

    CallbackPoster(CallbackTargets targets, CallbackProperties properties) {
        Timeout timeout = Timeout.of(properties.timeout());
        this.prefixBytes = (int) properties.answerPrefix().toBytes();
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new Resolver(targets))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                .build())
                        .setMaxConnTotal(properties.maxConcurrent())
                        .setMaxConnPerRoute(properties.maxConcurrent())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("sluice-callbacks")
                .build();
    }

    /** POSTs {@code body} to {@code url}; whatever happens, returns by {@code budget} from now. */
    Answer post(URI url, Map<String, String> headers, byte[] body, Duration budget) {
        HttpPost post = new HttpPost(url);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> alarm = deadlines.schedule(post::cancel, budget.toMillis(), TimeUnit.MILLISECONDS);
        try (ClassicHttpResponse response = http.executeOpen(null, post, null)) {
            int status = response.getCode();
            String prefix = readPrefix(response.getEntity(), post);
            return new Answer(status, prefix, status >= 200 && status < 300 ? null : "HTTP " + status);
        } catch (CallbackTargets.RefusedException e) {
            return new Answer(null, null, "refused: " + e.getMessage());
        } catch (IOException e) {
            if (post.isCancelled()) {
                return new Answer(null, null, "no complete answer within " + budget.toMillis() + " ms");
            }
            return new Answer(null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            alarm.cancel(false);
        }
    }

    /**
     * Reads up to the prefix, then drops the connection if more is coming: a receiver's body is
     * never read to its end, so its size costs nothing. Bytes that are not UTF-8 become U+FFFD,
     * and U+0000 (which PostgreSQL cannot store) is left out.
     */
    private String readPrefix(HttpEntity entity, HttpPost post) throws IOException {
        if (entity == null) {
            return null;
        }
        byte[] buffer = new byte[prefixBytes];
        int n = 0;
        boolean more;
        try (InputStream in = entity.getContent()) {
            while (n < buffer.length) {
                int r = in.read(buffer, n, buffer.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            more = n == buffer.length && in.read() >= 0;
            if (more) {
                post.cancel(); // close the connection rather than drain the rest
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer text = utf8.decode(ByteBuffer.wrap(buffer, 0, n));
        return text.toString().replace("\u0000", "") + (more ? "…" : "");
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        http.close();
    }

    /** The client's resolver: the addresses {@link CallbackTargets} allows, or a refusal. */
    private record Resolver(CallbackTargets targets) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws CallbackTargets.RefusedException {
            return targets.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }
}
