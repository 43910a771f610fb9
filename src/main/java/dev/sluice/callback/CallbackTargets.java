package dev.sluice.callback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Where callbacks may go: the SSRF guard. A callback URL is a request that Sluice makes on a
 * client's behalf from inside the operator's network, so it may not reach that network: its host
 * is resolved, and every address it resolves to must be a public one. Loopback, private (10/8,
 * 172.16/12, 192.168/16, 100.64/10), unique-local (fc00::/7) and names of this machine or a private
 * network ({@code localhost}, {@code *.internal}, {@code *.local}, one-label names) are refused
 * unless {@code sluice.callbacks.allow-private-networks} is set; link-local (169.254/16 with the
 * cloud metadata services, fe80::/10), multicast, unspecified ({@code 0.0.0.0}, {@code ::}),
 * reserved and documentation ranges are refused always. An IPv6 address that carries an IPv4 one
 * (mapped, compatible, NAT64, 6to4) is judged by that IPv4 address; IPv4 in any spelling other
 * than four decimal numbers ({@code 0x7f000001}, {@code 2130706433}, {@code 0177.0.0.1},
 * {@code 127.1}) is refused, since resolvers disagree on what those mean.
 *
 * <p>The check runs at enqueue (a 400) and again at every delivery, where {@link #resolve} is the
 * HTTP client's resolver: the delivery connects only to the addresses just checked, so a name that
 * re-resolves elsewhere (DNS rebinding) gains nothing.
 */
@Component
public class CallbackTargets {

    /** How long a host's resolution may take before the URL is refused. */
    static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final boolean allowPrivate;

    CallbackTargets(CallbackProperties properties) {
        this.allowPrivate = properties.allowPrivateNetworks();
    }

    /** A URL or host that may not be called back, with the reason. */
    public static final class RefusedException extends UnknownHostException {
        RefusedException(String reason) {
            super(reason);
        }
    }

    /** What is wrong with {@code url} as a callback target, or null when nothing is. Resolves its host. */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "must be a valid URL: " + e.getReason();
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "must be an absolute http or https URL";
        }
        if (uri.getRawUserInfo() != null
                || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            return "must not carry credentials (user:password@)";
        }
        // java.net.URI gives no host for some spellings ("127.1", "127.0.0.1."): judge the authority.
        String host = uri.getHost() != null
                ? uri.getHost()
                : uri.getRawAuthority() == null ? null : uri.getRawAuthority().replaceFirst(":[0-9]*$", "");
        if (host == null || host.isEmpty()) {
            return "must name a host";
        }
        try {
            resolve(host);
            return uri.getHost() == null ? "must name a host" : null;
        } catch (UnknownHostException e) {
            return "must reach a public host: " + e.getMessage();
        }
    }

    /**
     * The addresses a callback to {@code host} may connect to: all it resolves to, each allowed.
     * Throws {@link RefusedException} naming the reason otherwise (an unknown host included).
     */
    public InetAddress[] resolve(String host) throws RefusedException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new RefusedException("the host is empty");
        }
        InetAddress[] addresses;
        if (name.contains(":")) {
            addresses = new InetAddress[] {literal(name, host)};
        } else if (NUMERIC_LABEL
                .matcher(name.substring(name.lastIndexOf('.') + 1))
                .matches()) {
            if (!DOTTED_QUAD.matcher(name).matches()) {
                throw new RefusedException(host + " is an IPv4 address in a non-standard spelling;"
                        + " write it as four decimal numbers (a.b.c.d)");
            }
            addresses = new InetAddress[] {literal(name, host)};
        } else {
            String reason = nameReason(name);
            if (reason != null) {
                throw new RefusedException(host + " " + reason);
            }
            addresses = lookUp(name);
        }
        for (InetAddress address : addresses) {
            String reason = addressReason(address);
            if (reason != null) {
                String shown = address.getHostAddress();
                throw new RefusedException(
                        (shown.equals(name) ? shown : host + " resolves to " + shown) + ", " + reason);
            }
        }
        return addresses;
    }

    private static InetAddress literal(String address, String host) throws RefusedException {
        try {
            return InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new RefusedException(host + " is not a valid IP address");
        }
    }

    private String nameReason(String name) {
        if (name.equals("metadata.google.internal") || name.equals("metadata.goog") || name.equals("metadata")) {
            return "is a cloud metadata service";
        }
        if (allowPrivate) {
            return null;
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return "names this machine";
        }
        if (name.endsWith(".internal") || name.endsWith(".local") || name.endsWith(".home.arpa")) {
            return "is a private network's name";
        }
        if (!name.contains(".")) {
            return "is not a fully qualified domain name (a one-label name resolves inside the network)";
        }
        return null;
    }

    private static InetAddress[] lookUp(String name) throws RefusedException {
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(name));
        Thread.ofVirtual().name("sluice-resolve").start(lookup);
        try {
            return lookup.get(RESOLVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new RefusedException(name + " did not resolve within " + RESOLVE_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new RefusedException(name + " does not resolve");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefusedException(name + ": interrupted while resolving");
        }
    }

    /** Why a callback may not connect to {@code address}, or null when it may. */
    String addressReason(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Inet4Address embedded = embeddedIpv4(b);
            if (embedded != null) {
                String reason = addressReason(embedded);
                return reason == null ? null : "which carries " + embedded.getHostAddress() + ", " + reason;
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
                return "a Teredo tunnelling address";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return privateOk("a unique-local address");
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "a documentation address";
            }
            if ((b[0] & 0xff) == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0) {
                return "a discard address";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (where cloud metadata services answer)";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        if (address.isLoopbackAddress()) {
            return privateOk("a loopback address");
        }
        if (address.isSiteLocalAddress()) {
            return privateOk("a private address");
        }
        if (address instanceof Inet4Address) {
            int a = address.getAddress()[0] & 0xff;
            int b = address.getAddress()[1] & 0xff;
            int c = address.getAddress()[2] & 0xff;
            if (a == 0) {
                return "an address of 'this network' (0.0.0.0/8)";
            }
            if (a >= 240) {
                return "a reserved or broadcast address";
            }
            if (a == 100 && b >= 64 && b < 128) {
                return privateOk("a shared (carrier-grade NAT) address");
            }
            if (a == 198 && (b == 18 || b == 19)) {
                return privateOk("a benchmarking network's address");
            }
            if (a == 192 && b == 0 && c == 0) {
                return "an IETF protocol address";
            }
            if (a == 192 && b == 0 && c == 2 || a == 198 && b == 51 && c == 100 || a == 203 && b == 0 && c == 113) {
                return "a documentation address";
            }
        }
        return null;
    }

    private String privateOk(String what) {
        return allowPrivate ? null : what + " (sluice.callbacks.allow-private-networks is off)";
    }

    /**
     * The IPv4 address inside an IPv6 one that carries it: IPv4-compatible {@code ::a.b.c.d},
     * NAT64 {@code 64:ff9b::a.b.c.d} and 6to4 {@code 2002:aabb:ccdd::}; mapped addresses
     * ({@code ::ffff:a.b.c.d}) already come back from Java as IPv4.
     */
    private static Inet4Address embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        byte[] v4 = null;
        if (zeroPrefix && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))) {
            v4 = Arrays.copyOfRange(b, 12, 16);
        } else if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            v4 = Arrays.copyOfRange(b, 12, 16);
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            v4 = Arrays.copyOfRange(b, 2, 6);
        } else if (zeroPrefix(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            v4 = Arrays.copyOfRange(b, 12, 16);
        }
        if (v4 == null) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static boolean zeroPrefix(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
