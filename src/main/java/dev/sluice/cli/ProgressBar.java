package dev.sluice.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line that redraws itself: {@code [#########.........]  45%  450/1,000  12.3/s  ETA 44s}.
 * Drawn only on a terminal (else {@link #update} prints nothing and {@link #finish} one line), so
 * a piped or logged run stays readable.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final String unit;
    private String last = "";

    ProgressBar(PrintStream out, boolean terminal, String label, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.unit = unit;
    }

    /** Redraws the line for {@code done} of {@code total} at {@code perSecond} (null: not known yet). */
    void update(long done, long total, Double perSecond) {
        String line = line(done, total, perSecond);
        if (terminal && !line.equals(last)) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
            last = line;
        }
    }

    /** Ends the line: on a terminal the bar stays as last drawn; elsewhere one summary line. */
    void finish(long done, long total, Double perSecond) {
        String line = line(done, total, perSecond);
        out.print(terminal ? "\r" + line + "\u001b[K\n" : line + "\n");
        out.flush();
    }

    String line(long done, long total, Double perSecond) {
        double share = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        StringBuilder b = new StringBuilder(label).append(" [");
        b.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        b.append(String.format(Locale.ROOT, "%3d%%  %s/%s", Math.round(share * 100), count(done), count(total)));
        if (!unit.equals("bytes")) {
            b.append(' ').append(unit);
        }
        if (perSecond != null && perSecond > 0) {
            b.append(String.format(Locale.ROOT, "  %s/s", rate(perSecond)));
            if (done < total) {
                b.append("  ETA ").append(duration((total - done) / perSecond));
            }
        }
        return b.toString();
    }

    private String count(long n) {
        return unit.equals("bytes") ? bytes(n) : String.format(Locale.ROOT, "%,d", n);
    }

    private String rate(double perSecond) {
        return unit.equals("bytes") ? bytes((long) perSecond) : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
