package dev.releaserouter.core.exposure;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes exposures as JSON Lines ({@link ExposureJson}, one event per line) into a directory, in
 * bounded, rotating files: the active file {@code <prefix>.jsonl} is renamed
 * {@code <prefix>-<start>.jsonl} (the UTC time the sink began the file, at its opening or last
 * rotation, {@code 20260301T120000.123Z}, so names sort in time order) when it would pass {@link
 * Builder#maxFileBytes(long)} or is older
 * than {@link Builder#rotateEvery(Duration)}, and the oldest rotated files beyond
 * {@link Builder#maxFiles(int)} are deleted. A loader picks up the rotated files, which never
 * change again; {@link #read(Path)} reads them all back in order, the active one last.
 *
 * <pre>{@code
 * ExposureSink sink = JsonlExposureSink.builder(Path.of("/var/log/router/exposures"))
 *         .maxFileBytes(64 << 20).rotateEvery(Duration.ofHours(1)).maxFiles(48).build();
 * }</pre>
 *
 * <p>Lines are buffered and written at each {@link #flush()} (the router flushes when its queue
 * is empty), not fsynced: exposures are analytics, and a crash loses at most the last batch. A
 * line torn by a crash is cut off when the sink opens the file again, so every file stays valid
 * JSON Lines. Thread-safe (one lock), though the router calls it from one thread.
 */
public final class JsonlExposureSink implements ExposureSink {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final String prefix;
    private final long maxFileBytes;
    private final Duration rotateEvery;
    private final int maxFiles;
    private final Clock clock;
    private final Path active;
    private final Pattern rotatedName;

    // Guarded by this.
    private OutputStream out;
    private long size;
    private Instant started;
    private boolean closed;

    private JsonlExposureSink(Builder b) throws IOException {
        this.directory = b.directory;
        this.prefix = b.prefix;
        this.maxFileBytes = b.maxFileBytes;
        this.rotateEvery = b.rotateEvery;
        this.maxFiles = b.maxFiles;
        this.clock = b.clock;
        this.active = directory.resolve(prefix + ".jsonl");
        this.rotatedName = rotatedPattern(prefix);
        Files.createDirectories(directory);
        this.size = cutTornLine(active);
        this.started = clock.instant();
        this.out = open(active);
    }

    /**
     * @param directory where the files go; created if needed
     * @return a builder with the defaults: prefix {@code exposures}, 64 MiB files, hourly
     *     rotation, 48 rotated files kept, the system UTC clock
     * @throws NullPointerException if directory is null
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /**
     * Reads back every event of a directory written with the default prefix, oldest file first.
     *
     * @param directory the sink's directory
     * @return the events in file order, then line order
     * @throws UncheckedIOException if a file cannot be read
     * @throws IllegalArgumentException naming the file and the line if a line is not an event
     */
    public static List<ExposureEvent> read(Path directory) {
        return read(directory, "exposures");
    }

    /**
     * Reads back every event a sink with this prefix wrote into a directory: the rotated files
     * in name (time) order, then the active file.
     *
     * @param directory the sink's directory
     * @param prefix the sink's file prefix
     * @return the events in file order, then line order; empty if there is no file
     * @throws UncheckedIOException if a file cannot be read
     * @throws IllegalArgumentException naming the file and the line if a line is not an event
     */
    public static List<ExposureEvent> read(Path directory, String prefix) {
        List<ExposureEvent> events = new ArrayList<>();
        for (Path f : files(directory, prefix)) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        events.add(ExposureJson.read(line));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(f + ":" + n + ": " + e.getMessage(), e);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read exposures from " + f, e);
            }
        }
        return events;
    }

    /**
     * The files a sink with this prefix keeps in a directory.
     *
     * @param directory the sink's directory
     * @param prefix the sink's file prefix
     * @return the rotated files in name (time) order, then the active file if it exists
     * @throws UncheckedIOException if the directory cannot be listed
     */
    public static List<Path> files(Path directory, String prefix) {
        List<Path> files = new ArrayList<>(rotated(directory, rotatedPattern(prefix)));
        Path active = directory.resolve(prefix + ".jsonl");
        if (Files.isRegularFile(active)) {
            files.add(active);
        }
        return files;
    }

    /**
     * Buffers one line, rotating first if the active file is full or old enough.
     *
     * @param event the event
     * @throws UncheckedIOException if the file cannot be written or rotated
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public synchronized void record(ExposureEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            throw new IllegalStateException("the exposure sink on " + active + " is closed");
        }
        byte[] line = (ExposureJson.write(event) + '\n').getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && (size + line.length > maxFileBytes || isOld())) {
                rotate();
            }
            out.write(line);
            size += line.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exposures to " + active, e);
        }
    }

    /**
     * Writes the buffered lines to the active file (no fsync).
     *
     * @throws UncheckedIOException if they cannot be written
     */
    @Override
    public synchronized void flush() {
        if (closed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exposures to " + active, e);
        }
    }

    /**
     * Flushes and closes the active file (it is rotated at the next open, if old or full).
     * Idempotent.
     *
     * @throws UncheckedIOException if the last lines cannot be written
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close exposures file " + active, e);
        }
    }

    /** @return the active file */
    public Path activeFile() {
        return active;
    }

    private boolean isOld() {
        return !rotateEvery.isZero()
                && !clock.instant().isBefore(started.plus(rotateEvery));
    }

    private void rotate() throws IOException {
        out.close();
        String stamp = STAMP.format(started);
        Path target = directory.resolve(prefix + "-" + stamp + ".jsonl");
        for (int i = 1; Files.exists(target); i++) {
            target = directory.resolve(prefix + "-" + stamp + "-" + i + ".jsonl");
        }
        Files.move(active, target);
        List<Path> old = rotated(directory, rotatedName);
        for (int i = 0; i < old.size() - maxFiles; i++) {
            Files.deleteIfExists(old.get(i));
        }
        size = 0;
        started = clock.instant();
        out = open(active);
    }

    private static OutputStream open(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), 64 * 1024);
    }

    /** Cuts an incomplete last line (a crash mid-write); returns the file's size after. */
    private static long cutTornLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long end = f.length();
            long keep = end;
            while (keep > 0) {
                f.seek(keep - 1);
                if (f.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < end) {
                f.setLength(keep);
            }
            return keep;
        }
    }

    private static Pattern rotatedPattern(String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + "-\\d{8}T\\d{6}\\.\\d{3}Z(-\\d+)?\\.jsonl");
    }

    private static List<Path> rotated(Path directory, Pattern name) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            // Same-stamp suffixes (-1, -2) sort after the plain name, in creation order.
            return s.filter(p -> name.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> a.getFileName().toString().replace(".jsonl", "")
                            .compareTo(b.getFileName().toString().replace(".jsonl", "")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list exposures in " + directory, e);
        }
    }

    /** Builds a {@link JsonlExposureSink}. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private String prefix = "exposures";
        private long maxFileBytes = 64L << 20;
        private Duration rotateEvery = Duration.ofHours(1);
        private int maxFiles = 48;
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * @param prefix the files' name prefix, letters, digits, {@code .}, {@code _} or
         *     {@code -}
         * @return this builder
         * @throws IllegalArgumentException if empty or with other characters
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("exposure file prefix must be letters, digits,"
                        + " '.', '_' or '-', but was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * @param bytes the size past which the active file is rotated (a single larger line
         *     still goes into a file of its own)
         * @return this builder
         * @throws IllegalArgumentException if below 1024
         */
        public Builder maxFileBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException(
                        "exposure maxFileBytes must be at least 1024, but was " + bytes);
            }
            this.maxFileBytes = bytes;
            return this;
        }

        /**
         * @param period the age at which the active file is rotated (at its next write);
         *     {@link Duration#ZERO} rotates by size only
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder rotateEvery(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isNegative()) {
                throw new IllegalArgumentException(
                        "exposure rotateEvery must not be negative, but was " + period);
            }
            this.rotateEvery = period;
            return this;
        }

        /**
         * @param files how many rotated files are kept (the oldest beyond are deleted)
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxFiles(int files) {
            if (files < 1) {
                throw new IllegalArgumentException(
                        "exposure maxFiles must be at least 1, but was " + files);
            }
            this.maxFiles = files;
            return this;
        }

        /**
         * @param clock the time of rotation and of rotated files' names (inject one in tests)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Creates the directory if needed and opens the active file for appending (cutting an
         * incomplete last line left by a crash).
         *
         * @return the sink
         * @throws UncheckedIOException if the directory or file cannot be created or opened
         */
        public JsonlExposureSink build() {
            try {
                return new JsonlExposureSink(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open exposures file in " + directory, e);
            }
        }
    }
}
