package dev.sluice;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Official Python client SDKs for tests, in a virtual environment of their own under
 * {@code target/python-clients} (made once per build, from the machine's pip index), running the
 * scripts in {@code src/test/resources/sdk}. A script's last line of output is its answer.
 */
public final class PythonClients {

    private static final Path VENV = Path.of("target", "python-clients");
    private static final List<String> PACKAGES = List.of("openai");

    private PythonClients() {}

    /** Runs {@code script} with {@code args}; returns its last line of output, or fails saying why. */
    public static synchronized String run(String script, List<String> args) throws IOException, InterruptedException {
        return run(script, args, java.util.Map.of());
    }

    /** As {@link #run(String, List)}, with {@code env} added to the script's environment. */
    public static synchronized String run(String script, List<String> args, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        String[] lines = output(script, args, env).strip().split("\n");
        return lines[lines.length - 1];
    }

    /** Runs {@code script} with {@code args} and {@code env} added; returns all it printed, or fails saying why. */
    public static synchronized String output(String script, List<String> args, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Path python = ready();
        List<String> command = new ArrayList<>(List.of(
                python.toString(),
                Path.of("src", "test", "resources", "sdk", script).toString()));
        command.addAll(args);
        return exec(command, 120, env);
    }

    /** The virtual environment's python, with the official SDKs installed. */
    public static synchronized Path python() throws IOException, InterruptedException {
        return ready().toAbsolutePath();
    }

    /** Runs {@code command} with {@code env} added; returns all it printed, or fails saying why. */
    public static String exec(List<String> command, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        return exec(command, 300, env);
    }

    /**
     * The environment, made under a file lock: the suite's parallel forks are separate JVMs and
     * must not make it twice at once.
     */
    private static Path ready() throws IOException, InterruptedException {
        return ForkLock.holding(VENV.resolveSibling("python-clients.lock"), PythonClients::readyUnderLock);
    }

    private static Path readyUnderLock() throws IOException, InterruptedException {
        Path python = VENV.resolve("bin").resolve("python");
        if (!Files.isExecutable(python)) {
            exec(List.of("python3", "-m", "venv", VENV.toString()), 120, java.util.Map.of());
        }
        Path marker = VENV.resolve("installed-" + String.join("-", PACKAGES));
        if (!Files.exists(marker)) {
            // No retries: where the index is unreachable and a local wheel store is configured
            // (PIP_FIND_LINKS, as on our build machines), pip's five retries per package took
            // 110 s before it fell back to the store; with none, the install takes 11 s.
            List<String> install =
                    new ArrayList<>(List.of(python.toString(), "-m", "pip", "install", "-q", "--retries", "0"));
            install.addAll(PACKAGES);
            exec(install, 600, java.util.Map.of());
            Files.writeString(marker, "");
        }
        return python;
    }

    private static String exec(List<String> command, long seconds, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        File log = Files.createTempFile("python-client", ".log").toFile();
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in " + seconds + " s");
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
