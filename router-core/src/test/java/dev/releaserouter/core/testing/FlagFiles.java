package dev.releaserouter.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Real flag files on a real file system, for the tests of the watcher. */
public final class FlagFiles {

    /**
     * A deadline for real file watching on a possibly busy machine: generous, and polled, never
     * slept. How fast a change is in force (32 ms at p50) is measured by router-benchmarks
     * (PropagationBenchmark), not by tests.
     */
    public static final Duration WATCH_DEADLINE = Duration.ofSeconds(20);

    private FlagFiles() {}

    /**
     * Writes like a ConfigMap update: a new file renamed over the old one.
     *
     * @param file the flag file
     * @param content its new content
     * @throws IOException if the file cannot be written
     */
    public static void replace(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Polls a condition every millisecond until it holds.
     *
     * @param condition the condition
     * @param deadline how long it may take
     * @return the time it took
     * @throws AssertionError if it does not hold within the deadline
     */
    public static Duration await(BooleanSupplier condition, Duration deadline) {
        return Polling.await(condition, deadline);
    }
}
