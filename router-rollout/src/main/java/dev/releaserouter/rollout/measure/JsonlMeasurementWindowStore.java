package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measurement windows kept in a JSON Lines file ({@value #FILE} in a directory, one
 * {@link WindowSummaryJson} line per appended summary), so that what the gates judged can be
 * looked at later: {@code router-cli report --windows} draws each arm's p95, error rate, score
 * and cost over time from it ({@link #readAll}).
 *
 * <p>Use it as the measurements' store of a single instance, or of the instances of one host
 * sharing a directory: {@code ArmMeasurements.builder().windowStore(
 * JsonlMeasurementWindowStore.open(dir))}. A fleet on many hosts keeps its windows in Redis
 * (router-redis); the report then takes the summaries from any store
 * ({@code RolloutReport.Builder.windows}).
 *
 * <p>The file is append-only and is never rewritten or trimmed by the store (it is the record;
 * rotate or delete it yourself between rollouts). A summary with entity buckets is 4 to 5.5 KB
 * as JSON (the quickstart's file), so an arm measured in one-minute windows writes about 7 MB a
 * day per instance. In memory the store keeps, per model, the latest {@code retainedWindows} window
 * starts, like {@link MeasurementWindowStore#inMemory}. A line that is not a summary (a torn
 * write, an edit by hand) is skipped, counted in {@link #badLines()} and logged (the first and
 * every 100th) with the file and line number; the rest of the file is read.
 *
 * <p>Design: thread-safe; every method holds this instance's monitor (appends happen once per
 * arm and window, reads once per rollout tick: never on the request path). Each append is one
 * write to the file opened for appending, so the lines of processes sharing the file do not
 * interleave on a local file system. A read first reads the lines other writers appended since
 * the last read (from the byte offset it had reached), then answers from memory.
 */
public final class JsonlMeasurementWindowStore implements MeasurementWindowStore {

    /** The file's name in the directory. */
    public static final String FILE = "measurement_windows.jsonl";

    /** The default number of window starts kept in memory per model: a day of minutes. */
    public static final int DEFAULT_RETAINED_WINDOWS = 1_440;

    /** The longest line read; a longer one is a bad line. */
    static final int MAX_LINE_BYTES = 16 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(JsonlMeasurementWindowStore.class);

    private final Path file;
    private final MeasurementWindowStore memory;
    private final int retained;
    private final AtomicLong badLines = new AtomicLong();
    /** Guarded by this: the byte offset after the last whole line read, and its line number. */
    private long offset;
    private long lineNumber;
    /** Whether a bad line throws (readAll) instead of being skipped (the live store). */
    private boolean strict;

    private JsonlMeasurementWindowStore(Path directory, int retainedWindows) {
        this.file = directory.resolve(FILE);
        this.retained = retainedWindows;
        this.memory = MeasurementWindowStore.inMemory(retainedWindows);
    }

    /**
     * Opens (creating the directory if missing) a store keeping
     * {@value #DEFAULT_RETAINED_WINDOWS} window starts per model in memory, and reads what the
     * file already holds.
     *
     * @param directory the directory of {@value #FILE}
     * @return the store
     * @throws UncheckedIOException if the directory cannot be created or the file read
     * @throws NullPointerException if directory is null
     */
    public static JsonlMeasurementWindowStore open(Path directory) {
        return open(directory, DEFAULT_RETAINED_WINDOWS);
    }

    /**
     * Opens (creating the directory if missing) a store and reads what the file already holds.
     *
     * @param directory the directory of {@value #FILE}
     * @param retainedWindows how many window starts to keep in memory per model, positive
     * @return the store
     * @throws IllegalArgumentException if retainedWindows is not positive
     * @throws UncheckedIOException if the directory cannot be created or the file read
     * @throws NullPointerException if directory is null
     */
    public static JsonlMeasurementWindowStore open(Path directory, int retainedWindows) {
        Objects.requireNonNull(directory, "directory");
        if (retainedWindows <= 0) {
            throw new IllegalArgumentException("retainedWindows must be positive, but was "
                    + retainedWindows);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the window directory " + directory, e);
        }
        JsonlMeasurementWindowStore store = new JsonlMeasurementWindowStore(directory,
                retainedWindows);
        synchronized (store) {
            store.catchUp();
        }
        return store;
    }

    /**
     * Every summary a window file holds, merged per model, version and window start like a
     * store's read (the latest line of each source counts), ordered by model, start, version:
     * for tools that look at a file after the fact (the rollout report). Unlike the store,
     * strict: a bad line fails the read. A last line without its line break is being written
     * and is not read.
     *
     * @param file a {@value #FILE} file (or any file of such lines)
     * @return the summaries, empty if the file is empty
     * @throws IllegalArgumentException naming the file and the line of a line that is not a
     *     window summary ({@code FILE:LINE: what is wrong})
     * @throws UncheckedIOException if the file cannot be read (also if it does not exist)
     * @throws NullPointerException if file is null
     */
    public static List<WindowSummary> readAll(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("no window file " + file));
        }
        JsonlMeasurementWindowStore store = new JsonlMeasurementWindowStore(
                file.toAbsolutePath().getParent(), Integer.MAX_VALUE);
        store.strict = true;
        java.util.Set<String> models = new java.util.TreeSet<>();
        List<WindowSummary> all = new ArrayList<>();
        synchronized (store) {
            store.readLines(file, s -> {
                models.add(s.model());
                store.memory.append(s);
            });
            for (String model : models) {
                all.addAll(store.memory.read(model, Instant.MIN, Instant.MAX));
            }
        }
        return all;
    }

    /** @return the file this store appends to */
    public Path file() {
        return file;
    }

    /** @return how many lines could not be read as summaries since the store was opened */
    public long badLines() {
        return badLines.get();
    }

    /** @return how many window starts per model are kept in memory */
    public int retainedWindows() {
        return retained;
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException if the line cannot be written (nothing is kept then: the
     *     measurements retry at their next close)
     */
    @Override
    public synchronized void append(WindowSummary summary) {
        byte[] line = (WindowSummaryJson.encode(summary) + "\n").getBytes(StandardCharsets.UTF_8);
        catchUp(); // lines of other writers first, so our offset stays on a line boundary
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append a window to " + file, e);
        }
        memory.append(summary);
        catchUp(); // reads our own line back (a replace of the same summary) and moves past it
    }

    @Override
    public synchronized List<WindowSummary> read(String model, Instant from, Instant to) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        catchUp();
        return memory.read(model, from, to);
    }

    /** Reads the whole lines appended since the last read. Caller holds the monitor. */
    private void catchUp() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            if (Files.size(file) < offset) {
                // Truncated or replaced by hand: start over from its beginning.
                LOG.warn("The window file {} shrank; reading it again from the start", file);
                offset = 0;
                lineNumber = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the window file " + file, e);
        }
        readLines(file, memory::append);
    }

    /** Reads whole lines from {@link #offset}, advancing it. Caller holds the monitor. */
    private void readLines(Path path, java.util.function.Consumer<WindowSummary> sink) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.position(offset);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long consumed = offset;
            boolean tooLong = false;
            while (ch.read(buf) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    consumed++;
                    if (b != '\n') {
                        if (line.size() < MAX_LINE_BYTES) {
                            line.write(b);
                        } else {
                            tooLong = true;
                        }
                        continue;
                    }
                    lineNumber++;
                    accept(path, line, tooLong, sink);
                    line.reset();
                    tooLong = false;
                    offset = consumed;
                }
                buf.clear();
            }
            // A last line without its line break is being written: read it next time.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the window file " + path, e);
        }
    }

    private void accept(Path path, ByteArrayOutputStream line, boolean tooLong,
            java.util.function.Consumer<WindowSummary> sink) {
        String text = line.toString(StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return;
        }
        String problem;
        if (tooLong) {
            problem = "longer than " + MAX_LINE_BYTES + " bytes";
        } else {
            try {
                sink.accept(WindowSummaryJson.decode(text));
                return;
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (strict) {
            throw new IllegalArgumentException(path + ":" + lineNumber + ": " + problem);
        }
        long bad = badLines.incrementAndGet();
        if (bad == 1 || bad % 100 == 0) {
            LOG.warn("Skipped line {} of the window file {} ({} bad lines so far): {}",
                    lineNumber, path, bad, problem);
        }
    }
}
