package dev.releaserouter.core.audit;

import static dev.releaserouter.core.internal.audit.AuditEntryCodec.GENESIS_HASH;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.internal.audit.AuditEntry;
import dev.releaserouter.core.internal.audit.AuditEntryCodec;
import dev.releaserouter.core.internal.audit.LogLines;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An append-only audit log in JSON Lines, hash-chained: each line carries a sequence number, the
 * SHA-256 of its own content and the hash of the line before, so that {@link #verify(Path)}
 * detects an edited, removed, inserted or reordered entry. The format is a wire contract,
 * described in {@code docs/audit.md}.
 *
 * <p>{@link #record(AuditEvent)} returns only after the line is written and fsynced. The sink
 * holds an exclusive lock on the file while open, so only one sink (in any process) appends to a
 * given log. The file must be on the default file system.
 *
 * <p>Thread-safe: many threads may record at once; their entries get consecutive sequence numbers
 * and a valid chain, in the order the sink takes them.
 *
 * <pre>{@code
 * try (JsonlAuditSink sink = JsonlAuditSink.open(Path.of("/var/lib/app/audit.jsonl"))) {
 *     sink.record(event);
 * }
 * AuditVerification result = JsonlAuditSink.verify(Path.of("/var/lib/app/audit.jsonl"));
 * }</pre>
 */
public final class JsonlAuditSink implements AuditSink {

    /*
     * Design: one ReentrantLock serializes everything that touches the file: taking the next seq
     * and prev, writing the line and fsyncing it. Holding the lock across the fsync limits
     * throughput to one fsync per change, but changes are rare, and it keeps the invariant
     * simple: the file is always a valid chain, and entry n is durable before entry n + 1 is
     * written. A failed write truncates the file back to the last good entry, so the chain stays
     * valid and a later record may succeed; if even that fails, the sink refuses every later
     * record rather than append after a partial line.
     *
     * The file is written through RandomAccessFile, not a FileChannel: a FileChannel is closed
     * for good when a thread is interrupted during I/O, so a rollout task cancelled with
     * cancel(true) would disable the audit trail and thereby refuse every later change.
     * getFD().sync() is the fsync. An OS file lock held while the sink is open keeps a second
     * sink, in this JVM or another process, from forking the chain.
     *
     * tail is written under the lock and volatile so that lastSeq() and lastHash() need no lock.
     * A ReentrantLock rather than synchronized: virtual threads waiting behind an fsync then do
     * not pin their carriers (JDK 21 to 23).
     */

    private static final String INCOMPLETE = "is incomplete (no trailing newline): a write was"
            + " interrupted or the file was truncated";

    private final Path file;
    private final RandomAccessFile out;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Tail tail;
    private @Nullable IOException broken; // guarded by lock
    private boolean closed; // guarded by lock

    private JsonlAuditSink(Path file, RandomAccessFile out, Tail tail) {
        this.file = file;
        this.out = out;
        this.tail = tail;
    }

    /**
     * Opens a log for appending, creating it and its parent directories if needed. An existing
     * log is continued from its last entry: only that entry is checked here (use
     * {@link #verify(Path)} for the whole chain).
     *
     * @param file the log file, on the default file system
     * @return a sink appending to it; close it to release the file
     * @throws UncheckedIOException if the file or its directories cannot be created, opened,
     *     locked or read
     * @throws IllegalStateException if the last line is incomplete (a crash mid-write) or not a
     *     valid entry, or if another sink in this or another process has the file open; the
     *     message names the file and the line. The file is never repaired silently.
     * @throws NullPointerException if file is null
     */
    public static JsonlAuditSink open(Path file) {
        return open(file, f -> new RandomAccessFile(f, "rw"));
    }

    /** Opens the file; a seam for tests that inject I/O failures. */
    interface Opener {
        RandomAccessFile open(File file) throws IOException;
    }

    static JsonlAuditSink open(Path file, Opener opener) {
        Path path = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        Path dir = path.getParent();
        RandomAccessFile out;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            out = opener.open(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + path, e);
        }
        try {
            lockExclusively(out, path);
            Tail tail = readTail(out, path);
            if (dir != null) {
                syncDirectory(dir);
            }
            return new JsonlAuditSink(path, out, tail);
        } catch (IOException e) {
            closeAfterFailure(out, e);
            throw new UncheckedIOException("cannot open audit log " + path, e);
        } catch (RuntimeException e) {
            closeAfterFailure(out, e);
            throw e;
        }
    }

    /**
     * Appends the event as the next entry, and returns once it is written and fsynced.
     *
     * @param event the event
     * @throws UncheckedIOException if the entry cannot be written or synced (the file is then
     *     truncated back to the last good entry), or if the sink is closed or broken by an
     *     earlier failure it could not undo
     * @throws NullPointerException if event is null
     */
    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (closed) {
                throw new UncheckedIOException(
                        "audit log " + file + " is closed", new ClosedChannelException());
            }
            if (broken != null) {
                throw new UncheckedIOException("audit log " + file + " failed earlier and could"
                        + " not be truncated back to its last good entry; reopen it", broken);
            }
            Tail last = tail;
            long seq = last.seq() + 1;
            String body = AuditEntryCodec.body(seq, event, last.hash());
            String hash = AuditEntryCodec.sha256Hex(body);
            byte[] line = AuditEntryCodec.line(body, hash);
            try {
                out.seek(last.size());
                out.write(line);
                out.getFD().sync();
            } catch (IOException e) {
                undo(last.size(), e);
                throw new UncheckedIOException(
                        "cannot write audit entry " + seq + " to " + file, e);
            }
            tail = new Tail(seq, hash, last.size() + line.length);
        } finally {
            lock.unlock();
        }
    }

    /** @return the absolute path of the log */
    public Path file() {
        return file;
    }

    /** @return the sequence number of the last entry, 0 if the log is empty */
    public long lastSeq() {
        return tail.seq();
    }

    /** @return the hash of the last entry, 64 zeros if the log is empty */
    public String lastHash() {
        return tail.hash();
    }

    /**
     * Closes the file and releases its lock; waits for a record in progress. Idempotent.
     *
     * @throws UncheckedIOException if the file cannot be closed
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close audit log " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JsonlAuditSink[" + file + ", last seq " + lastSeq() + "]";
    }

    /**
     * Checks a whole log: every line is a well-formed entry in canonical form, its hash matches
     * its content, its seq is its line number and its prev is the hash of the line before. Safe to
     * call while a sink appends to the file, though an entry being written may then be reported
     * as an incomplete last line.
     *
     * @param file the log
     * @return the result, naming the first bad line if there is one
     * @throws UncheckedIOException if the file cannot be read (or does not exist)
     */
    public static AuditVerification verify(Path file) {
        ChainCheck chain = new ChainCheck();
        Problem problem = scan(file, chain);
        return problem == null
                ? AuditVerification.valid(chain.entries, chain.prev)
                : AuditVerification.invalid(problem.line(), problem.message(), chain.prev);
    }

    /**
     * Reads the events of a log in file order, checking that each line is a well-formed entry but
     * not the chain (use {@link #verify(Path)} for that).
     *
     * @param file the log
     * @return its events, an immutable list
     * @throws UncheckedIOException if the file cannot be read (or does not exist)
     * @throws IllegalStateException if a line is malformed or the last line is incomplete; the
     *     message names the file and the line
     */
    public static List<AuditEvent> read(Path file) {
        List<AuditEvent> events = new ArrayList<>();
        Problem problem = scan(file, (line, entry) -> {
            events.add(entry.event());
            return null;
        });
        if (problem != null) {
            throw new IllegalStateException(
                    file + ": line " + problem.line() + ": " + problem.message());
        }
        return List.copyOf(events);
    }

    /** Checks one well-formed entry; returns a problem, or null if the entry is fine. */
    private interface EntryCheck {
        @Nullable String check(long line, AuditEntry entry);
    }

    private record Problem(long line, String message) {}

    /** Checks that each entry's hash matches its content and that it links to the one before. */
    private static final class ChainCheck implements EntryCheck {
        private String prev = GENESIS_HASH;
        private long entries;

        @Override
        public @Nullable String check(long line, AuditEntry entry) {
            if (!AuditEntryCodec.hashOf(entry).equals(entry.hash())) {
                return "hash mismatch: the entry was edited";
            }
            if (entry.seq() != line) {
                return "expected seq " + line + " but found " + entry.seq()
                        + ": an entry was removed, inserted or reordered";
            }
            if (!entry.prev().equals(prev)) {
                return line == 1
                        ? "the first entry's prev is not 64 zeros: entries before it were removed"
                        : "prev does not match the hash of line " + (line - 1)
                                + ": an entry was edited, removed, inserted or reordered";
            }
            prev = entry.hash();
            entries++;
            return null;
        }
    }

    /** Parses each line and hands it to check; stops at the first problem. */
    private static @Nullable Problem scan(Path file, EntryCheck check) {
        try (LogLines lines = LogLines.open(file)) {
            for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
                long line = lines.lineNumber();
                if (!lines.terminated()) {
                    return new Problem(line, "the last line " + INCOMPLETE);
                }
                AuditEntry entry;
                try {
                    entry = AuditEntryCodec.parse(bytes);
                } catch (IllegalArgumentException e) {
                    return new Problem(line, "malformed entry: " + e.getMessage());
                }
                String message = check.check(line, entry);
                if (message != null) {
                    return new Problem(line, message);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + file, e);
        }
    }

    /** The last good entry and the file size after it. */
    private record Tail(long seq, String hash, long size) {}

    private static void lockExclusively(RandomAccessFile out, Path path) throws IOException {
        FileLock fileLock;
        try {
            // One byte far past the end rather than the whole file: Windows locks are mandatory
            // and would stop verify() and read() from reading a live log. Released with out.
            fileLock = out.getChannel().tryLock(Long.MAX_VALUE - 1, 1, false);
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException(
                    path + " is already open by another JsonlAuditSink in this JVM", e);
        }
        if (fileLock == null) {
            throw new IllegalStateException(path + " is locked by another process: only one"
                    + " writer may append to an audit log");
        }
    }

    private static Tail readTail(RandomAccessFile out, Path path) throws IOException {
        long size = out.length();
        if (size == 0) {
            return new Tail(0, GENESIS_HASH, 0);
        }
        out.seek(size - 1);
        if (out.read() != '\n') {
            long line = LogLines.countNewlines(out, size) + 1;
            throw new IllegalStateException(path + ": line " + line + " " + INCOMPLETE
                    + ". Refusing to append: inspect that line, remove it or restore the file,"
                    + " then check the log with JsonlAuditSink.verify");
        }
        AuditEntry last;
        try {
            last = AuditEntryCodec.parse(LogLines.lastLine(out));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(path + ": line " + LogLines.countNewlines(out, size)
                    + ": the last entry is malformed (" + e.getMessage()
                    + "). Refusing to append; check the log with JsonlAuditSink.verify", e);
        }
        if (!AuditEntryCodec.hashOf(last).equals(last.hash())) {
            throw new IllegalStateException(path + ": line " + LogLines.countNewlines(out, size)
                    + ": the last entry's hash does not match its content (edited?)."
                    + " Refusing to append; check the log with JsonlAuditSink.verify");
        }
        return new Tail(last.seq(), last.hash(), size);
    }

    /**
     * Makes the directory entry of a new file durable too. Not every platform can open a
     * directory (Windows cannot); there the file's own fsync is all we get.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Directory fsync is unsupported here; nothing more can be done.
        }
    }

    /** Truncates a failed write away, or marks the sink broken if even that fails. */
    private void undo(long size, IOException failure) {
        try {
            out.setLength(size);
            out.getFD().sync();
        } catch (IOException e) {
            failure.addSuppressed(e);
            broken = failure;
        }
    }

    private static void closeAfterFailure(RandomAccessFile out, Exception failure) {
        try {
            out.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
