package dev.sluice;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Work the suite's parallel forks (separate JVMs) share and must not do twice at once: made under
 * an exclusive lock on a file, which the first fork holds while it makes the thing and the others
 * wait on.
 */
public final class ForkLock {

    /** What is done under the lock. */
    public interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    private ForkLock() {}

    /** Runs {@code work} holding the lock on {@code lockFile} (made, with its directory, if missing). */
    public static <T> T holding(Path lockFile, Work<T> work) throws IOException, InterruptedException {
        Files.createDirectories(lockFile.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            return work.run();
        }
    }
}
