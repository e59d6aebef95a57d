package dev.releaserouter.api.spi;

import java.time.Instant;
import java.util.List;

/**
 * Where closed per-arm measurement windows are kept, so that the gates of a rollout judge what
 * every instance measured: each instance {@link #append appends} its summary of a closed window,
 * and {@link #read} returns, per arm and window, the merge of every instance's summary.
 *
 * <p>Guarantees an implementation must keep (router-testkit's
 * {@code MeasurementWindowStoreContract}): a read returns one summary per (version, window start)
 * whose start is in {@code [from, to)}, ordered by start, then version; it is the
 * {@link WindowSummary#merge merge} of the latest summary each source appended for that window
 * (appending again from the same source replaces that source's part, so a retried append is not
 * counted twice); appends from many threads are all kept; windows of other models never appear;
 * {@link #close()} is idempotent.
 *
 * <p>Thread-safe. Never called from {@code decide}: the measurements append when a window
 * closes, on the thread that closes it (the first record or snapshot after the window's end, so
 * possibly a request thread, once per arm and window: keep {@code append} fast and bounded), and
 * the rollout controller reads on its ticks. Failure: a method that cannot complete throws; a
 * failed append is counted, the window stays in the instance's local measurements (the gates
 * judge it from there) and the append is retried at the next close; a failed read makes the
 * tick a HOLD.
 */
public interface MeasurementWindowStore extends AutoCloseable {

    /**
     * An in-memory store (the default): the windows of one JVM, the latest
     * {@code retainedWindows} window starts kept per model.
     *
     * @param retainedWindows how many window starts to keep per model, positive
     * @return a new, empty, thread-safe store
     * @throws IllegalArgumentException if retainedWindows is not positive
     */
    static MeasurementWindowStore inMemory(int retainedWindows) {
        return new InMemoryMeasurementWindowStore(retainedWindows);
    }

    /**
     * Stores one source's summary of a closed window (replacing that source's earlier summary of
     * the same arm and window, if any).
     *
     * @param summary a summary with exactly one source
     * @throws IllegalArgumentException if the summary has more than one source
     * @throws NullPointerException if summary is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the store cannot
     *     be written
     */
    void append(WindowSummary summary);

    /**
     * The merged windows of a model that start in {@code [from, to)}.
     *
     * @param model the model
     * @param from the earliest window start, inclusive
     * @param to the latest window start, exclusive
     * @return one merged summary per version and window start, ordered by start then version
     * @throws NullPointerException if an argument is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the store cannot
     *     be read
     */
    List<WindowSummary> read(String model, Instant from, Instant to);

    /** Releases resources. Idempotent. */
    @Override
    default void close() {}
}
