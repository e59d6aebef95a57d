package dev.releaserouter.replay.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link PairStore}: JSON Lines files, one pair per line, rotated by size and gzipped,
 * written by one background thread so that {@link #append} never blocks.
 *
 * <p>Files are named {@code <prefix>-<yyyyMMdd-HHmmss>-<seq>.jsonl} (UTC time the file was started,
 * a six-digit sequence number), so that name order is write order. When the next line would take
 * a file past {@code maxFileBytes}, the file is closed, compressed to {@code .jsonl.gz} (when
 * {@code gzipRotated} is on; the plain file is then deleted) and a new one is started; a single
 * line larger than the limit gets a file of its own. The line format is described in {@code
 * docs/shadow.md}; {@link #read(Path)} reads the files back.
 *
 * <pre>{@code
 * try (JsonlPairStore store = JsonlPairStore.builder(Path.of("/var/lib/app/pairs"))
 *         .maxFileBytes(16 * 1024 * 1024)
 *         .build()) {
 *     store.append(pair);             // never blocks; false if dropped
 * }                                   // close(): everything accepted is on disk, gzipped
 * try (Stream<ShadowPair> pairs = JsonlPairStore.read(Path.of("/var/lib/app/pairs"))) {
 *     pairs.forEach(...);
 * }
 * }</pre>
 *
 * <p>Guarantees: every pair for which {@code append} returned true is written by the time {@link
 * #close()} returns, unless writing it failed (then it is counted in {@link #writeErrors()} and
 * logged). Lines are handed to the operating system in batches and without fsync: a crash of the
 * JVM or the machine may lose the pairs still buffered, and leave a last line cut short.
 *
 * <p>Thread-safe: any number of threads may append concurrently. Not intended for subclassing.
 */
public final class JsonlPairStore implements PairStore {

    /*
     * Design. Callers and one daemon writer thread ("release-router-pair-writer") share only a
     * bounded ArrayBlockingQueue. append() offers (never waits): a full queue or a closed store
     * drops the pair and counts it. Everything about files (the channel, its size, the pending
     * batch, the sequence number, the set of errors already logged) is confined to the writer
     * thread, so it needs no locks.
     *
     * The writer takes pairs in queue order, encodes each to one line and adds it to a batch; the
     * batch goes to the file when it reaches 64 KiB, when the queue runs empty, before a rotation
     * and at the end. A failed write truncates the file back to its last complete line and
     * abandons it (the next batch starts a new file), so files never hold a partial line. A
     * rotation (close, gzip to a temporary name, atomic rename, delete the plain file) runs on
     * the writer thread; the queue absorbs what arrives meanwhile. The writer ignores interrupts:
     * only close() stops it.
     *
     * Shutdown: close() sets `closed`, then waits until no append is between its check of
     * `closed` and its offer (the `appending` counter; both are volatile, so either the appender
     * sees closed or close() sees the appender), so that no pair can be accepted after the point
     * below. It then enqueues a sentinel (waiting for room if need be: close may block, append
     * never does); the writer drains everything before the sentinel, flushes, closes and gzips
     * the last file, and exits; close() joins it. A close lock makes concurrent close() calls
     * wait for the first. Should the writer itself fail (a bug, an Error), it closes the store
     * the same way, counts every accepted pair it can no longer write as a write error, and
     * ends.
     */

    private static final Logger LOG = LoggerFactory.getLogger(JsonlPairStore.class);

    /** The writer thread's name. */
    static final String THREAD_NAME = "release-router-pair-writer";

    private static final String PLAIN = ".jsonl";
    private static final String GZIP = ".jsonl.gz";
    private static final int BATCH_BYTES = 64 * 1024;
    private static final int MAX_LOGGED_ERRORS = 100;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Tells the writer that close() was called; never written. */
    private static final ShadowPair END = ShadowPair.builder().time(Instant.EPOCH).model("")
            .stableVersion("").candidateVersion("").entityKeyHash("").inputJson("null")
            .outcome(ShadowOutcome.SUCCESS).build();

    private final Path directory;
    private final long maxFileBytes;
    private final boolean gzipRotated;
    private final String filePrefix;
    private final Clock clock;
    private final Runnable beforeWrite;
    private final ArrayBlockingQueue<ShadowPair> queue;
    private final Thread writer;

    private final AtomicInteger appending = new AtomicInteger();
    private volatile boolean closed;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private final ReentrantLock closeLock = new ReentrantLock();
    private boolean closeDone; // guarded by closeLock

    // Confined to the writer thread.
    private @Nullable FileChannel channel;
    private @Nullable Path file;
    private long fileBytes;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES);
    private int batchPairs;
    private int sequence;
    private final Set<String> loggedErrors = new HashSet<>();

    private JsonlPairStore(Builder b) {
        this.directory = b.directory;
        this.maxFileBytes = b.maxFileBytes;
        this.gzipRotated = b.gzipRotated;
        this.filePrefix = b.filePrefix;
        this.clock = b.clock;
        this.beforeWrite = b.beforeWrite;
        this.queue = new ArrayBlockingQueue<>(b.bufferCapacity);
        this.writer = new Thread(this::run, THREAD_NAME);
        writer.setDaemon(true);
    }

    /**
     * Starts a builder.
     *
     * @param directory where the files go; created on {@link Builder#build()} if missing
     * @return a new builder with the defaults
     * @throws NullPointerException if directory is null
     */
    public static Builder builder(Path directory) {
        return new Builder(Objects.requireNonNull(directory, "directory"));
    }

    /**
     * Queues a pair for writing, without blocking.
     *
     * @param pair the masked pair
     * @return true if it was accepted (it will be written), false if it was dropped because the
     *     buffer is full or the store is closed (both are counted in {@link #dropped()})
     * @throws NullPointerException if pair is null
     */
    @Override
    public boolean append(ShadowPair pair) {
        Objects.requireNonNull(pair, "pair");
        appending.incrementAndGet();
        try {
            if (!closed && queue.offer(pair)) {
                return true;
            }
        } finally {
            appending.decrementAndGet();
        }
        dropped.incrementAndGet();
        return false;
    }

    /** @return pairs dropped because the buffer was full or the store closed */
    @Override
    public long dropped() {
        return dropped.get();
    }

    /** @return pairs handed to the operating system (written to a file) so far */
    public long written() {
        return written.get();
    }

    /**
     * @return write errors so far: each pair that could not be encoded or written counts one,
     *     and each file that could not be closed or compressed counts one (it is then kept
     *     uncompressed). Each distinct error is logged once.
     */
    public long writeErrors() {
        return writeErrors.get();
    }

    /** @return the directory the files are written to */
    public Path directory() {
        return directory;
    }

    /**
     * Stops accepting pairs, writes every pair accepted so far, closes (and gzips, when on) the
     * current file and stops the writer thread. Blocks until that is done; an interrupt does not
     * cut it short (the thread's interrupt status is restored on return). Idempotent; concurrent
     * calls wait for the first. Never throws for write errors: they are counted.
     */
    @Override
    public void close() {
        closeLock.lock();
        try {
            if (closeDone) {
                return;
            }
            closed = true;
            while (appending.get() != 0) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            boolean ended = false;
            while (!ended && writer.isAlive()) {
                try {
                    ended = queue.offer(END, 100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            closeDone = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JsonlPairStore[" + directory + ", written " + written() + ", dropped " + dropped()
                + ", write errors " + writeErrors() + "]";
    }

    // ---- the writer thread ------------------------------------------------------------------

    private void run() {
        boolean holding = false; // a pair taken from the queue but not yet in the batch
        try {
            while (true) {
                ShadowPair pair;
                try {
                    pair = queue.take();
                } catch (InterruptedException e) {
                    continue; // only close() stops the writer
                }
                if (pair == END) {
                    break;
                }
                holding = true;
                beforeWrite.run();
                add(pair);
                holding = false;
                if (queue.isEmpty()) {
                    writeBatch();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Release Router: the shadow pair writer for {} failed; pairs still buffered"
                    + " are lost and later ones are dropped", directory, e);
            closed = true;
            while (appending.get() != 0) {
                Thread.onSpinWait(); // as in close(): nothing is accepted after this
            }
            long lost = holding ? 1 : 0;
            for (ShadowPair p : queue) {
                if (p != END) { // a close() under way may have queued its end marker already
                    lost++;
                }
            }
            writeErrors.addAndGet(lost);
            queue.clear();
            if (e instanceof Error error) {
                throw error; // logged above; a RuntimeException ends the thread quietly
            }
        } finally {
            writeBatch();
            finishFile();
        }
    }

    /** Encodes a pair into the batch, rotating first if the line would not fit the file. */
    private void add(ShadowPair pair) {
        byte[] line;
        try {
            line = PairLines.encode(pair);
        } catch (RuntimeException e) {
            // Our own messages say which part is bad; others might quote data: class only.
            String message = "a shadow pair could not be encoded (" + (e instanceof
                    IllegalArgumentException ? e.getMessage() : e.getClass().getName()) + ")";
            error(message, message + "; it was not stored", null, 1);
            return;
        }
        long size = fileBytes + batch.size();
        if (size > 0 && size + line.length > maxFileBytes) {
            writeBatch();
            finishFile();
        }
        batch.write(line, 0, line.length);
        batchPairs++;
        if (batch.size() >= BATCH_BYTES) {
            writeBatch();
        }
    }

    /** Writes the batch to the current file, opening one if needed. */
    private void writeBatch() {
        if (batchPairs == 0) {
            return;
        }
        int pairs = batchPairs;
        ByteBuffer bytes = ByteBuffer.wrap(batch.toByteArray());
        batch.reset();
        batchPairs = 0;
        try {
            FileChannel out = channel != null ? channel : openFile();
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            fileBytes += bytes.limit();
            written.addAndGet(pairs);
        } catch (IOException | RuntimeException e) {
            error("write " + e.getClass().getName(), "cannot write " + pairs + " shadow pairs to "
                    + (file == null ? directory : file) + ": " + e + "; they are lost", e, pairs);
            abandonFile();
        }
    }

    private FileChannel openFile() throws IOException {
        String stamp = STAMP.format(clock.instant());
        for (int attempt = 0; attempt < 10_000; attempt++) {
            sequence++;
            String base = filePrefix + "-" + stamp + "-" + String.format("%06d", sequence);
            Path plain = directory.resolve(base + PLAIN);
            if (Files.exists(directory.resolve(base + GZIP))) {
                continue;
            }
            try {
                FileChannel opened = FileChannel.open(plain, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                channel = opened;
                file = plain;
                fileBytes = 0;
                return opened;
            } catch (FileAlreadyExistsException e) {
                // Another store (or an earlier run) used this name in the same second.
            }
        }
        throw new IOException("no free file name for " + filePrefix + "-" + stamp
                + "-<seq> in " + directory);
    }

    /** Closes the current file and gzips it when configured. */
    private void finishFile() {
        FileChannel out = channel;
        Path plain = file;
        if (out == null || plain == null) {
            return;
        }
        channel = null;
        file = null;
        fileBytes = 0;
        try {
            out.close();
        } catch (IOException e) {
            error("close " + e.getClass().getName(), "cannot close " + plain + ": " + e, e, 1);
            return;
        }
        if (gzipRotated) {
            gzip(plain);
        }
    }

    private void gzip(Path plain) {
        Path gz = plain.resolveSibling(plain.getFileName() + ".gz");
        Path tmp = plain.resolveSibling(plain.getFileName() + ".gz.tmp");
        try {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
                Files.copy(plain, out);
            }
            try {
                Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, gz, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.delete(plain);
        } catch (IOException e) {
            error("gzip " + e.getClass().getName(),
                    "cannot gzip " + plain + " (kept uncompressed): " + e, e, 1);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Nothing more to do; the plain file still holds the pairs.
            }
        }
    }

    /** After a failed write: cut the file back to its last complete line and give it up. */
    private void abandonFile() {
        FileChannel out = channel;
        channel = null;
        file = null;
        if (out != null) {
            try {
                out.truncate(fileBytes);
                out.close();
            } catch (IOException e) {
                // The file may end with a partial line; read() will name it.
                try {
                    out.close();
                } catch (IOException ignored) {
                    // Already reported the write error.
                }
            }
        }
        fileBytes = 0;
    }

    /**
     * Counts an error and logs it the first time its kind is seen. The kind leaves out file
     * names, which change with every attempt; the message never holds pair data.
     */
    private void error(String kind, String message, @Nullable Throwable cause, int count) {
        writeErrors.addAndGet(count);
        if (loggedErrors.size() < MAX_LOGGED_ERRORS && loggedErrors.add(kind)) {
            if (cause == null) {
                LOG.warn("Release Router: {}; further occurrences are only counted", message);
            } else {
                LOG.warn("Release Router: {}; further occurrences are only counted", message,
                        cause);
            }
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /**
     * Reads back every pair stored in a directory: all its {@code .jsonl} and {@code .jsonl.gz}
     * files, whatever their prefix, in name order (for one store, write order), each file line
     * by line. When both {@code x.jsonl} and {@code x.jsonl.gz} exist (a rotation cut short),
     * only the compressed one is read. Files are opened lazily, one at a time.
     *
     * <p>The stream holds an open file: close it, e.g. with try-with-resources. Read a directory
     * whose store is closed; the file a live store is writing may end in a partial line.
     *
     * @param directory the store's directory
     * @return the pairs; a stream to be closed
     * @throws UncheckedIOException if the directory cannot be listed (at once), or, while the
     *     stream is consumed, if a file cannot be read or a line is not a valid pair: the message
     *     names the file and the line number (a store never writes a malformed line, so one
     *     means damage, and silently skipping it could bias an evaluation)
     * @throws NullPointerException if directory is null
     */
    public static Stream<ShadowPair> read(Path directory) {
        List<Path> files = files(Objects.requireNonNull(directory, "directory"));
        PairIterator pairs = new PairIterator(files);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pairs,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(pairs::close);
    }

    private static List<Path> files(Path directory) {
        Map<String, Path> byBase = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(Files::isRegularFile).forEach(path -> {
                String name = path.getFileName().toString();
                if (name.endsWith(GZIP)) {
                    byBase.put(name.substring(0, name.length() - 3), path);
                } else if (name.endsWith(PLAIN)) {
                    byBase.putIfAbsent(name, path);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list shadow pair files in " + directory, e);
        }
        List<Map.Entry<String, Path>> entries = new ArrayList<>(byBase.entrySet());
        entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return entries.stream().map(Map.Entry::getValue).toList();
    }

    /** Reads the lines of the files one after the other. */
    private static final class PairIterator implements Iterator<ShadowPair>, AutoCloseable {
        private final Iterator<Path> files;
        private @Nullable BufferedReader reader;
        private @Nullable Path current;
        private long lineNumber;
        private @Nullable ShadowPair next;

        PairIterator(List<Path> files) {
            this.files = files.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (reader == null) {
                    if (!files.hasNext()) {
                        return false;
                    }
                    open(files.next());
                }
                String line = readLine();
                if (line == null) {
                    close();
                    continue;
                }
                lineNumber++;
                try {
                    next = PairLines.decode(line);
                } catch (IllegalArgumentException | NullPointerException e) {
                    String problem = current + ": line " + lineNumber + ": " + e.getMessage();
                    close();
                    throw new UncheckedIOException(problem, new IOException(problem));
                }
            }
            return true;
        }

        @Override
        public ShadowPair next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ShadowPair pair = Objects.requireNonNull(next);
            next = null;
            return pair;
        }

        private void open(Path path) {
            current = path;
            lineNumber = 0;
            try {
                InputStream in = Files.newInputStream(path);
                if (path.getFileName().toString().endsWith(GZIP)) {
                    try {
                        in = new GZIPInputStream(in, 64 * 1024);
                    } catch (IOException e) {
                        in.close();
                        throw e;
                    }
                }
                reader = new BufferedReader(new InputStreamReader(in, UTF_8), 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read shadow pairs from " + path, e);
            }
        }

        private @Nullable String readLine() {
            try {
                return Objects.requireNonNull(reader).readLine();
            } catch (IOException e) {
                String problem = "cannot read shadow pairs from " + current + " after line "
                        + lineNumber;
                close();
                throw new UncheckedIOException(problem, e);
            }
        }

        @Override
        public void close() {
            BufferedReader open = reader;
            reader = null;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException e) {
                    // Read-only: nothing is lost by a failed close.
                }
            }
        }
    }

    // ---- builder ----------------------------------------------------------------------------

    /** Configures a {@link JsonlPairStore}. Not thread-safe. */
    public static final class Builder {

        private final Path directory;
        private long maxFileBytes = 64L * 1024 * 1024;
        private boolean gzipRotated = true;
        private int bufferCapacity = 10_000;
        private String filePrefix = "shadow-pairs";
        private Clock clock = Clock.systemUTC();
        private Runnable beforeWrite = () -> { };

        private Builder(Path directory) {
            this.directory = directory;
        }

        /**
         * @param bytes the size a file may reach before a new one is started; default 64 MiB
         * @return this builder
         * @throws IllegalArgumentException if bytes is not positive
         */
        public Builder maxFileBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException(
                        "maxFileBytes must be positive, but was " + bytes);
            }
            this.maxFileBytes = bytes;
            return this;
        }

        /**
         * @param gzip whether finished files are compressed to {@code .jsonl.gz}; default true
         * @return this builder
         */
        public Builder gzipRotated(boolean gzip) {
            this.gzipRotated = gzip;
            return this;
        }

        /**
         * @param pairs how many pairs may wait for the writer; more are dropped; default 10,000
         * @return this builder
         * @throws IllegalArgumentException if pairs is not positive
         */
        public Builder bufferCapacity(int pairs) {
            if (pairs <= 0) {
                throw new IllegalArgumentException(
                        "bufferCapacity must be positive, but was " + pairs);
            }
            this.bufferCapacity = pairs;
            return this;
        }

        /**
         * @param prefix the start of every file name; default {@code shadow-pairs}
         * @return this builder
         * @throws IllegalArgumentException if prefix is not letters, digits, '.', '_' and '-'
         *     starting with a letter or digit
         * @throws NullPointerException if prefix is null
         */
        public Builder filePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("filePrefix must be letters, digits, '.', '_'"
                        + " and '-', starting with a letter or digit, but was '" + prefix + "'");
            }
            this.filePrefix = prefix;
            return this;
        }

        /** Sets the clock that stamps file names (tests). */
        Builder clock(Clock fileClock) {
            this.clock = Objects.requireNonNull(fileClock, "fileClock");
            return this;
        }

        /** Runs on the writer thread before each pair is written (tests pause the writer). */
        Builder beforeWrite(Runnable hook) {
            this.beforeWrite = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Creates the directory if needed and starts the writer thread.
         *
         * @return the store; close it to flush and stop the thread
         * @throws UncheckedIOException if the directory cannot be created or is not a directory
         */
        public JsonlPairStore build() {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot create the shadow pair directory " + directory, e);
            }
            JsonlPairStore store = new JsonlPairStore(this);
            store.writer.start();
            return store;
        }
    }
}
