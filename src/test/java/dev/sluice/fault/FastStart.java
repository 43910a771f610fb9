package dev.sluice.fault;

import dev.sluice.ForkLock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * How a fault test's instance JVM starts in about half the time: from the test class path with
 * its directories ({@code target/classes}, {@code target/test-classes}) packed as jars, and, on
 * Java 25 and later, with the JVM's ahead-of-time cache (JEP 483) of one training start. The cache
 * only serves a class path of jars, hence the packing. On an idle 2-core machine an instance then
 * answers its health check in 2.9 s instead of 5.3 s; the fault tests start about 25.
 *
 * <p>The jars and the cache are made once per build, under a {@link ForkLock}, in a directory named by a
 * digest of the class directories: the suite's forks and its later executions share them, and a
 * rebuilt class makes a new set. Where anything of this fails, instances start as before.
 */
final class FastStart {

    /** A child JVM's class path and the options that use the cache (none without one). */
    record Launch(String classpath, List<String> jvmOptions) {}

    private static Launch launch;

    private FastStart() {}

    /**
     * This JVM's launch, made on first use; {@code command} makes an instance's command line for a
     * launch, here also the training start's (the given options then make the cache, and the
     * context exits once refreshed: nothing is served, no loop starts) with {@code environment}
     * added to its own.
     */
    static synchronized Launch get(Function<Launch, List<String>> command, Map<String, String> environment) {
        if (launch == null) {
            launch = make(command, environment);
        }
        return launch;
    }

    private static Launch make(Function<Launch, List<String>> command, Map<String, String> environment) {
        String classpath = System.getProperty("java.class.path");
        List<Path> dirs = Stream.of(classpath.split(java.io.File.pathSeparator))
                .map(Path::of)
                .filter(Files::isDirectory)
                .toList();
        try {
            Path home = Files.createDirectories(Path.of("target", "fast-start", digest(dirs)));
            return ForkLock.holding(home.resolve("lock"), () -> {
                String jars = packed(classpath, dirs, home);
                if (Runtime.version().feature() < 25) {
                    return new Launch(jars, List.of());
                }
                Path cache = home.resolve("start.aot");
                // One training per build: after a failed one (its log is there, the cache is not)
                // the other forks start without the cache rather than train again.
                if (!Files.exists(cache) && !Files.exists(home.resolve("training.log"))) {
                    train(command, environment, jars, cache);
                }
                return Files.exists(cache)
                        ? new Launch(jars, List.of("-XX:AOTCache=" + cache.toAbsolutePath()))
                        : new Launch(jars, List.of());
            });
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Launch(classpath, List.of());
        }
    }

    /** The class path with each directory replaced by a jar of it (made if missing). */
    private static String packed(String classpath, List<Path> dirs, Path home) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            int i = dirs.indexOf(Path.of(entry));
            if (i < 0) {
                entries.add(entry);
                continue;
            }
            Path jar = home.resolve("dir" + i + ".jar");
            if (!Files.exists(jar)) {
                Path tmp = home.resolve("dir" + i + ".jar.tmp");
                pack(dirs.get(i), tmp);
                Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            entries.add(jar.toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void pack(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                boolean folder = Files.isDirectory(f);
                zip.putNextEntry(new JarEntry(folder ? name + "/" : name));
                if (!folder) {
                    Files.copy(f, zip);
                }
                zip.closeEntry();
            }
        }
    }

    /** The training start: makes the cache, or leaves none (its log says why). */
    private static void train(
            Function<Launch, List<String>> command, Map<String, String> environment, String jars, Path cache)
            throws IOException, InterruptedException {
        Path tmp = cache.resolveSibling("start.aot.tmp");
        List<String> line = command.apply(new Launch(
                jars, List.of("-XX:AOTCacheOutput=" + tmp.toAbsolutePath(), "-Dspring.context.exit=onRefresh")));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().putAll(environment);
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(cache.resolveSibling("training.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        if (p.exitValue() == 0 && Files.exists(tmp)) {
            Files.move(tmp, cache);
        }
    }

    /** Names the class directories' current content: their files' count, sizes and newest change. */
    private static String digest(List<Path> dirs) throws IOException {
        long count = 0;
        long bytes = 0;
        long newest = 0;
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    count++;
                    bytes += Files.size(f);
                    newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return Long.toHexString(count) + "-" + Long.toHexString(bytes) + "-" + Long.toHexString(newest);
    }
}
