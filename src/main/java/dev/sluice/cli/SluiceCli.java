package dev.sluice.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice}: Sluice from the command line. {@code SLUICE_URL} (default
 * http://localhost:8080) says where Sluice is, {@code SLUICE_API_KEY} which key to use (never an
 * option: a key on the command line shows in {@code ps}). Exit codes: 0 done, 1 Sluice refused or
 * could not be reached, 2 a usage error, 3 a batch waited for ended with failed or cancelled jobs.
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        version = "sluice 0.1.0",
        description = "Submit batches to Sluice, follow them, and run its queue, over its HTTP API.",
        footer = {
            "",
            "Environment:",
            "  SLUICE_URL      where Sluice is (default http://localhost:8080)",
            "  SLUICE_API_KEY  the key to send (sk-sluice-...)",
            "",
            "Exit codes: 0 done; 1 Sluice refused or could not be reached; 2 usage error;",
            "            3 a batch waited for ended with failed or cancelled jobs."
        },
        subcommands = {
            SubmitCommand.class,
            StatusCommand.class,
            ResultsCommand.class,
            CancelCommand.class,
            JobsCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            KeysCommand.class,
            TopCommand.class
        })
public final class SluiceCli implements Callable<Integer> {

    static final String DEFAULT_URL = "http://localhost:8080";

    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;
    final boolean terminal;
    /** The CLI's one clock (what {@code top} prints; waits and rates use System.nanoTime). */
    final Clock clock = systemClock();

    private SluiceClient client;

    SluiceCli(Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, Terminal.isInteractive()));
    }

    /** Runs one command; its exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        CommandLine line = new CommandLine(new SluiceCli(env, out, err, terminal));
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException c) {
                err.println("sluice: " + c.getMessage());
                return c.exitCode();
            }
            throw e;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return 2;
    }

    private static Clock systemClock() {
        return Clock.systemUTC();
    }

    /** The API client, made on first use from the environment. */
    SluiceClient client() {
        if (client == null) {
            client = new SluiceClient(env.getOrDefault("SLUICE_URL", DEFAULT_URL), env.get("SLUICE_API_KEY"));
        }
        return client;
    }
}
