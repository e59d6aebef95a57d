package dev.releaserouter.core.flags.internal;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.internal.Throwables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flag file read at start and watched for changes; see {@code docs/flag-file.md}, "Hot reload".
 *
 * <p><b>Design.</b> {@link #watch(Listener)} starts one daemon thread, named
 * {@value #THREAD_NAME}, which loops until {@link #close()}: it waits on a {@link WatchService}
 * registered on the file's parent directory (inotify on Linux) for at most the poll interval.
 * After a directory event it waits until the directory has been quiet for a moment (a writer that
 * truncates and then writes fires several events) and checks the file whatever its attributes say;
 * after a timeout (the polling fallback, for file systems without events and for symlinks into
 * other directories) it checks the file only if its attributes, read through symlinks (modified
 * time, size, file key), changed. A check reads the bytes and does nothing more if their SHA-256
 * equals the content it saw last; otherwise it parses them and calls the listener once:
 * {@code onChange} with a valid configuration, or {@code onError}, logging a warning, for content
 * that is invalid, unreadable or gone, or a file larger than the size limit (checked on the
 * attributes before reading, and by reading at most the limit plus one byte). As the same content
 * is never reported twice in a row, every distinct bad state is logged and reported once, not at
 * every poll.
 *
 * <p><b>Failures.</b> The watcher is a safety mechanism (it applies kill switches), so it never
 * stops on its own: anything thrown while reading, parsing or reporting a file, or by the watch
 * service, {@code OutOfMemoryError} and {@code StackOverflowError} included, is caught, counted
 * ({@link #failures()}), logged and reported to the listener's {@code onError} as a
 * {@link ConfigException} whose cause is the throwable (so the router's status is not up to
 * date); the loop then goes on. A read or parse that failed that way (not a bad file, which is
 * final until the file changes) is retried every {@value #RETRY_SECONDS} seconds even if the file
 * does not change. Only {@link #close()} or an interrupt from outside stops the thread; the
 * latter is logged, and {@link #watcherAlive()} then returns false so that the router reports
 * itself unhealthy.
 *
 * <p><b>Threads and visibility.</b> The state of the file (last content hash, attributes) is
 * guarded by {@code lock}; {@link #load()}, {@link #checkNow()} and the watcher's checks all hold
 * it, so they never interleave and the listener is never called concurrently (the listener is
 * called under the lock, on the watcher thread or on the thread calling {@link #checkNow()}).
 * {@code listener}, {@code closed} and {@code watchService} are volatile because {@link #watch}
 * and {@link #close()} come from other threads; {@code stop} wakes a watcher that sleeps without
 * a watch service. Nothing here is on the request path: the router builds and swaps its snapshot
 * in the listener.
 */
public final class WatchedFileFlagSource implements FlagSource {

    /** Name of the watcher thread. */
    public static final String THREAD_NAME = "release-router-flag-watcher";

    /** The default size limit of a flag file: 16 MiB. */
    public static final long DEFAULT_MAX_SIZE = 16L * 1024 * 1024;

    /** How often the file's attributes are compared when no directory event arrives. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

    /** A directory event is acted on once no further event came for this long... */
    private static final long QUIET_MILLIS = 30;
    /** ...or once this long has passed since the first event, whichever comes first. */
    private static final long MAX_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long CLOSE_JOIN_MILLIS = 1_000;
    /** An unexpected failure (not a bad file) is retried this often without a change. */
    static final int RETRY_SECONDS = 5;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
    private static final String MISSING = "missing";

    private static final Logger LOG = LoggerFactory.getLogger(WatchedFileFlagSource.class);

    /** The outcome of one check of the file. */
    public enum Outcome {
        /** Same content as last time (or same attributes, for a poll): nothing reported. */
        UNCHANGED,
        /** New valid content: {@code onChange} was called. */
        CHANGED,
        /** New content that is invalid or unreadable: {@code onError} was called once. */
        REJECTED,
        /** The file is gone: {@code onError} was called once. */
        MISSING,
        /**
         * Reading or parsing failed unexpectedly (an {@code Error}, a bug), not because the
         * content is invalid: {@code onError} was called once per distinct failure, and the check
         * is retried.
         */
        FAILED
    }

    private final Path path;
    private final String description;
    private final Duration pollInterval;
    private final @Nullable FlagSource fallback;
    private final boolean startThread;
    private final Parser parser;
    private final long maxSize;

    private final Object lock = new Object();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong warnings = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    // Guarded by lock.
    private @Nullable String lastContent;
    private @Nullable Attributes lastAttributes;
    /** System.nanoTime() at which a failed check is retried; 0 if none is due. */
    private long retryAt;

    private volatile @Nullable Thread thread;

    private volatile @Nullable Listener listener;
    private volatile boolean closed;
    private volatile @Nullable WatchService watchService;

    /**
     * Creates a source; nothing is read until {@link #load()} and nothing is watched until
     * {@link #watch(Listener)}.
     *
     * @param path the flag file
     * @param pollInterval how often to compare the file's attributes when no event arrives
     * @param fallback read by {@link #load()} when the file does not exist, or null to fail
     * @param startThread whether {@link #watch(Listener)} starts the watcher thread; tests pass
     *     false and call {@link #checkNow()}
     * @throws IllegalArgumentException if the poll interval is not positive
     */
    public WatchedFileFlagSource(Path path, Duration pollInterval, @Nullable FlagSource fallback,
            boolean startThread) {
        this(path, pollInterval, fallback, startThread, DEFAULT_MAX_SIZE);
    }

    /**
     * Creates a source with a size limit; see the other constructor.
     *
     * @param path the flag file
     * @param pollInterval how often to compare the file's attributes when no event arrives
     * @param fallback read by {@link #load()} when the file does not exist, or null to fail
     * @param startThread whether {@link #watch(Listener)} starts the watcher thread
     * @param maxSize the largest file, in bytes, that is read; checked before reading
     * @throws IllegalArgumentException if the poll interval or the size limit is not positive
     */
    public WatchedFileFlagSource(Path path, Duration pollInterval, @Nullable FlagSource fallback,
            boolean startThread, long maxSize) {
        this(path, pollInterval, fallback, startThread, maxSize, FlagFileParser::parse);
    }

    /** Turns a file's bytes into a configuration; a seam for tests that inject failures. */
    @FunctionalInterface
    interface Parser {
        RouterConfig parse(byte[] utf8, String source);
    }

    /** As the public constructor, with the parser replaced (tests inject failures here). */
    WatchedFileFlagSource(Path path, Duration pollInterval, @Nullable FlagSource fallback,
            boolean startThread, Parser parser) {
        this(path, pollInterval, fallback, startThread, DEFAULT_MAX_SIZE, parser);
    }

    private WatchedFileFlagSource(Path path, Duration pollInterval,
            @Nullable FlagSource fallback, boolean startThread, long maxSize, Parser parser) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be positive, but was " + maxSize);
        }
        this.maxSize = maxSize;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.path = path.toAbsolutePath();
        this.description = "file:" + this.path;
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(
                    "pollInterval must be positive, but was " + pollInterval);
        }
        this.pollInterval = pollInterval;
        this.fallback = fallback;
        this.startThread = startThread;
    }

    /** @return {@code file:} and the absolute path */
    @Override
    public String description() {
        return description;
    }

    /**
     * Reads and parses the file, or, if it does not exist and a fallback was given, loads the
     * fallback (the file is then loaded by the watcher when it appears).
     *
     * @return the configuration
     * @throws ConfigException if the file is invalid or unreadable, or does not exist and there
     *     is no fallback (or the fallback fails)
     */
    @Override
    public RouterConfig load() {
        synchronized (lock) {
            Attributes attributes = attributes();
            byte[] bytes;
            try {
                if (attributes != null && attributes.size() > maxSize) {
                    throw FlagFileSize.tooLarge(description, attributes.size(), maxSize,
                            FlagFileSize.FILE_HOW_TO_RAISE);
                }
                bytes = read();
            } catch (NoSuchFileException e) {
                FlagSource fb = fallback;
                if (fb == null) {
                    throw new ConfigException(description, "", null,
                            "the flag file does not exist", e);
                }
                LOG.info("{} does not exist; starting from {} and watching for the file",
                        description, fb.description());
                lastContent = MISSING;
                lastAttributes = null;
                return fb.load();
            } catch (IOException e) {
                throw new ConfigException(description, "", null,
                        "cannot read the flag file: " + e, e);
            }
            RouterConfig config;
            try {
                config = parser.parse(bytes, description);
            } catch (ConfigException e) {
                throw e;
            } catch (Throwable t) {
                // Fails the start, as a bad file does; only a fatal JVM error stays what it is.
                Throwables.rethrowIfFatal(t);
                failures.incrementAndGet();
                throw new ConfigException(description, "", null,
                        "the flag file cannot be parsed: " + t, t);
            }
            lastContent = sha256(bytes);
            lastAttributes = attributes;
            return config;
        }
    }

    /**
     * Starts watching: from now on changes go to the listener.
     *
     * @param listener receives new configurations and errors, never concurrently
     * @throws IllegalStateException if already watching or closed
     */
    @Override
    public void watch(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(description + " is closed");
            }
            if (this.listener != null) {
                throw new IllegalStateException(description + " is already watched");
            }
            this.listener = listener;
            if (startThread) {
                Thread t = new Thread(this::run, THREAD_NAME);
                t.setDaemon(true);
                thread = t;
                t.start();
            }
        }
    }

    /**
     * Checks the file now, whatever its attributes say, and tells the listener (if one is
     * watching) about new content. Used by tests to act deterministically; the watcher thread
     * does the same on its own.
     *
     * @return what the check found
     */
    public Outcome checkNow() {
        synchronized (lock) {
            return check(true);
        }
    }

    /**
     * @return how many unexpected failures (not bad files) this source contained: throwables
     *     while reading, parsing or reporting a file, or in the watcher loop; each was logged as
     *     an error and reported to the listener
     */
    public long failures() {
        return failures.get();
    }

    /**
     * Whether the watcher follows the file: false only if {@link #watch(Listener)} started the
     * watcher thread and it has stopped although the source is not closed (it was interrupted
     * from outside). Cheap and non-blocking.
     *
     * @return whether changes to the file are still seen
     */
    @Override
    public boolean watcherAlive() {
        Thread t = thread;
        return closed || t == null || t.isAlive();
    }

    /**
     * @return how many warnings this source logged: one per distinct bad content, unreadable
     *     file or disappearance
     */
    public long warningsLogged() {
        return warnings.get();
    }

    /**
     * Stops the watcher thread (waiting up to a second for it) and closes the fallback.
     * Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        stop.countDown();
        WatchService ws = watchService;
        if (ws != null) {
            closeQuietly(ws);
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(CLOSE_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        FlagSource fb = fallback;
        if (fb != null) {
            try {
                fb.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", fb.description(), e);
            }
        }
    }

    /** @return the watcher thread, or null if none was started; for tests */
    @Nullable Thread watcherThread() {
        return thread;
    }

    @Override
    public String toString() {
        return "WatchedFileFlagSource{" + description + ", poll=" + pollInterval + "}";
    }

    // ---------------------------------------------------------------- watcher thread

    private void run() {
        WatchService ws = null;
        WatchKey key = null;
        boolean pause = false;
        try {
            ws = newWatchService();
            watchService = ws;
            while (!closed) {
                try {
                    if (pause) {
                        pause = false;
                        sleep(); // after a failure: never a busy loop, even if it repeats
                        continue;
                    }
                    if (ws != null && (key == null || !key.isValid())) {
                        key = register(ws);
                    }
                    boolean event = ws != null ? awaitEvents(ws) : sleep();
                    if (closed) {
                        return;
                    }
                    synchronized (lock) {
                        check(event);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ClosedWatchServiceException e) {
                    if (closed) {
                        return;
                    }
                    // Not closed by us: poll from now on rather than stop.
                    contained(e, "the watch service closed");
                    ws = null;
                    key = null;
                    watchService = null;
                } catch (Throwable t) {
                    contained(t, "the watcher loop failed");
                    pause = true;
                }
            }
        } catch (Throwable t) {
            contained(t, "the watcher failed to start");
        } finally {
            if (ws != null) {
                closeQuietly(ws);
            }
            if (!closed) {
                stopped();
            }
        }
    }

    /**
     * Counts, logs and reports a throwable the watcher loop caught; never throws (it runs in the
     * loop's catch blocks, maybe short of memory).
     */
    private void contained(Throwable t, String what) {
        failures.incrementAndGet();
        try {
            LOG.error("The watcher of {}: {}; it carries on", description, what, t);
            ConfigException e = new ConfigException(description, "", null,
                    "the flag file watcher failed (" + what + ": " + t
                            + "); keeping the last good configuration", t);
            tell(l -> l.onError(e));
        } catch (Throwable ignored) {
            // Counted; nothing else is safe to do here.
        }
    }

    /** The thread is ending although the source is open: say so, once. */
    private void stopped() {
        try {
            LOG.error("The watcher of {} stopped (interrupted); flag file changes, kill switches"
                    + " included, are no longer applied", description);
            ConfigException e = new ConfigException(description, "", null,
                    "the flag file watcher stopped (interrupted); changes to the file are no"
                            + " longer applied", null);
            tell(l -> l.onError(e));
        } catch (Throwable ignored) {
            // watcherAlive() reports it anyway.
        }
    }

    private @Nullable WatchService newWatchService() {
        try {
            return path.getFileSystem().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("No file system events for {} ({}); polling every {}", description, e,
                    pollInterval);
            return null;
        }
    }

    private @Nullable WatchKey register(WatchService ws) {
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return null; // Polling until the directory exists; retried at every tick.
        }
        try {
            return dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            LOG.debug("Cannot watch {}; polling", dir, e);
            return null;
        }
    }

    /**
     * Waits up to the poll interval for a directory event, then lets a burst of events settle.
     *
     * @return whether an event arrived
     */
    private boolean awaitEvents(WatchService ws) throws InterruptedException {
        WatchKey key = ws.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        if (key == null) {
            return false;
        }
        long deadline = System.nanoTime() + MAX_SETTLE_NANOS;
        while (key != null) {
            // Any event in the directory counts: a ConfigMap update renames "..data", not the file.
            key.pollEvents();
            key.reset();
            long left = deadline - System.nanoTime();
            key = left <= 0 ? null : ws.poll(
                    Math.min(left, TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)),
                    TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private boolean sleep() throws InterruptedException {
        stop.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        return false;
    }

    // ---------------------------------------------------------------- checks (under lock)

    private Outcome check(boolean force) {
        Attributes attributes = attributes();
        if (attributes == null) {
            return missing();
        }
        boolean retry = retryAt != 0 && System.nanoTime() - retryAt >= 0;
        if (!force && !retry && attributes.equals(lastAttributes)) {
            return Outcome.UNCHANGED;
        }
        if (attributes.size() > maxSize) {
            return tooLarge(FlagFileSize.tooLarge(description, attributes.size(), maxSize,
                    FlagFileSize.FILE_HOW_TO_RAISE), attributes);
        }
        byte[] bytes;
        try {
            bytes = read();
        } catch (ConfigException e) {
            return tooLarge(e, attributes); // it grew over the limit after the check
        } catch (Throwable t) {
            return readFailed(t, attributes);
        }
        String hash;
        try {
            hash = sha256(bytes);
        } catch (Throwable t) {
            return failed(t, "unhashed", attributes);
        }
        if (hash.equals(lastContent)) {
            lastAttributes = attributes;
            return Outcome.UNCHANGED;
        }
        RouterConfig config;
        try {
            config = parser.parse(bytes, description);
        } catch (ConfigException e) {
            settled(hash, attributes);
            return reject(e, Outcome.REJECTED);
        } catch (Throwable t) {
            return failed(t, hash, attributes);
        }
        settled(hash, attributes);
        LOG.info("Reloaded {}", description);
        tell(l -> l.onChange(config));
        return Outcome.CHANGED;
    }

    /** The content was judged (applied or rejected as invalid): no retry until it changes. */
    private void settled(String hash, Attributes attributes) {
        lastContent = hash;
        lastAttributes = attributes;
        retryAt = 0;
    }

    /**
     * Reading or parsing failed unexpectedly: reported once per distinct failure of the same
     * content, and retried after {@value #RETRY_SECONDS} seconds.
     */
    private Outcome failed(Throwable t, String content, Attributes attributes) {
        failures.incrementAndGet();
        lastAttributes = attributes;
        long at = System.nanoTime() + RETRY_NANOS;
        retryAt = at == 0 ? 1 : at;
        String state = "failed " + content + ": " + t;
        if (state.equals(lastContent)) {
            LOG.debug("{}: the same failure again, retrying in {} s", description,
                    RETRY_SECONDS, t);
            return Outcome.FAILED;
        }
        lastContent = state;
        LOG.error("Keeping the last good configuration: reading or parsing {} failed"
                + " unexpectedly; retrying every {} s", description, RETRY_SECONDS, t);
        ConfigException e = new ConfigException(description, "", null,
                "reading or parsing the flag file failed unexpectedly (" + t
                        + "); keeping the last good configuration and retrying", t);
        tell(l -> l.onError(e));
        return Outcome.FAILED;
    }

    /** Reads the file, never more than the limit plus one byte. */
    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return FlagFileSize.read(in, maxSize, description, FlagFileSize.FILE_HOW_TO_RAISE);
        }
    }

    /** A file over the limit: reported once per distinct size and time, like bad content. */
    private Outcome tooLarge(ConfigException error, Attributes attributes) {
        lastAttributes = attributes;
        String state = "too large: " + attributes;
        if (state.equals(lastContent)) {
            return Outcome.UNCHANGED;
        }
        lastContent = state;
        retryAt = 0;
        return reject(error, Outcome.REJECTED);
    }

    private Outcome readFailed(Throwable thrown, Attributes attributes) {
        if (thrown instanceof NoSuchFileException) {
            return missing();
        }
        if (!(thrown instanceof IOException)) {
            return failed(thrown, "unread", attributes);
        }
        IOException e = (IOException) thrown;
        lastAttributes = attributes;
        String state = "unreadable: " + e;
        if (state.equals(lastContent)) {
            return Outcome.UNCHANGED;
        }
        lastContent = state;
        return reject(new ConfigException(description, "", null,
                "cannot read the flag file: " + e, e), Outcome.REJECTED);
    }

    private Outcome missing() {
        lastAttributes = null;
        if (MISSING.equals(lastContent)) {
            return Outcome.UNCHANGED;
        }
        lastContent = MISSING;
        return reject(new ConfigException(description, "", null,
                "the flag file disappeared", null), Outcome.MISSING);
    }

    private Outcome reject(ConfigException error, Outcome outcome) {
        warnings.incrementAndGet();
        LOG.warn("Keeping the last good configuration: {}", error.getMessage());
        tell(l -> l.onError(error));
        return outcome;
    }

    /**
     * Calls the listener, if one is watching; whatever the listener throws (an {@code Error}
     * too) is counted and logged, never fatal to the watcher.
     */
    private void tell(Consumer<Listener> call) {
        Listener l = listener;
        if (l == null) {
            return;
        }
        try {
            call.accept(l);
        } catch (Throwable t) {
            failures.incrementAndGet();
            try {
                LOG.error("The listener of {} failed; the watcher carries on", description, t);
            } catch (Throwable ignored) {
                // Counted.
            }
        }
    }

    private @Nullable Attributes attributes() {
        try {
            // Follows symlinks, so a Kubernetes ConfigMap swap (a new target) changes the key.
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Attributes(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // Not "missing": reading the file will fail too and report why.
            return new Attributes(FileTime.fromMillis(0), -1, null);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void closeQuietly(WatchService ws) {
        try {
            ws.close();
        } catch (IOException e) {
            LOG.debug("Closing the watch service failed", e);
        }
    }

    /** What the poll compares. */
    private record Attributes(FileTime modified, long size, @Nullable Object fileKey) {}
}
