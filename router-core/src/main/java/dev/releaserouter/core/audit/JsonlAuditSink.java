package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.internal.AuditEntryCodec.GENESIS_HASH;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.audit.internal.AuditEntry;
import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import dev.releaserouter.core.audit.internal.LogLines;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An append-only audit log in JSON Lines, hash-chained: each line carries a sequence number, the
 * SHA-256 of its own content and the hash of the line before, so that {@link #verify(Path)}
 * detects an edited, removed, inserted or reordered entry. The format is a wire contract,
 * described in {@code docs/audit.md}.
 *
 * <p>{@link #open(Path)} verifies the whole chain before it appends anything, and refuses a log
 * with a break (an edited, removed, inserted or reordered entry, or a torn last line), naming the
 * file and the first bad line. To go on writing such a log, {@link #openNewSegment} starts a new
 * chain segment with an entry that records the break and who started it; {@link #verify(Path)}
 * reports recorded breaks as segments and still fails on any other break.
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

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();
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

    /** The action of the entry that starts a new chain segment after a recorded break. */
    public static final String SEGMENT_ACTION = "audit.segment";

    /** How much of an existing log {@link #open(Path, OpenCheck)} checks before appending. */
    public enum OpenCheck {
        /**
         * The whole chain, as {@link #verify(Path)} does (the default): one sequential read of
         * the file, about 2 s per million entries (see {@code docs/audit.md}).
         */
        WHOLE_CHAIN,
        /**
         * Only the last entry (well-formed, complete, hash matching its content): constant time
         * for any size, but a break further up goes unnoticed until the next {@code verify}, and
         * new entries are chained after it. For huge logs that are verified on another schedule.
         */
        LAST_ENTRY
    }

    /**
     * Opens a log for appending, creating it and its parent directories if needed. An existing
     * log is verified first, whole (see {@link OpenCheck#WHOLE_CHAIN}), and continued from its
     * last entry.
     *
     * @param file the log file, on the default file system
     * @return a sink appending to it; close it to release the file
     * @throws UncheckedIOException if the file or its directories cannot be created, opened,
     *     locked or read
     * @throws IllegalStateException if the chain is broken (an entry edited, removed, inserted or
     *     reordered, a malformed line, or an incomplete last line from a crash mid-write), or if
     *     another sink in this or another process has the file open; the message names the file,
     *     the first bad line and why. The file is never repaired silently: restore it, or record
     *     the break with {@link #openNewSegment}.
     * @throws NullPointerException if file is null
     */
    public static JsonlAuditSink open(Path file) {
        return open(file, OpenCheck.WHOLE_CHAIN);
    }

    /**
     * Opens a log for appending, as {@link #open(Path)}, checking as much of an existing log as
     * {@code check} says.
     *
     * @param file the log file, on the default file system
     * @param check how much to verify before appending
     * @return a sink appending to it; close it to release the file
     * @throws UncheckedIOException as {@link #open(Path)}
     * @throws IllegalStateException as {@link #open(Path)}, for the part of the log checked
     * @throws NullPointerException if an argument is null
     */
    public static JsonlAuditSink open(Path file, OpenCheck check) {
        Objects.requireNonNull(check, "check");
        return open(file, check, f -> new RandomAccessFile(f, "rw"));
    }

    /**
     * Opens a log whose chain is broken and starts a new chain segment: appends one entry, action
     * {@value #SEGMENT_ACTION}, that records the break and links to the last good entry, then
     * returns a sink appending after it. Nothing already in the file is changed or removed (a
     * torn last line is only terminated with a newline), so the broken lines stay available for
     * investigation.
     *
     * <p>The entry's {@code before} holds, as JSON: {@code first_bad_line}, {@code problem}
     * (why that line is bad), {@code last_good_line}, {@code last_good_hash}, {@code
     * skipped_lines} (the lines from the first bad one to the end, which stay outside the chain)
     * and {@code skipped_sha256} (the SHA-256 of those lines' bytes, so that changing them later
     * is detected). Its {@code actor} and {@code reason} are the arguments, its {@code target}
     * the file's name, its {@code revision} 0. {@link #verify(Path)} then reports the break as a
     * {@link AuditVerification.Segment}.
     *
     * @param file the log
     * @param reason why the break is accepted (e.g. an incident id and what was found)
     * @param actor who decides it
     * @return a sink appending after the new segment entry
     * @throws IllegalArgumentException if reason or actor is blank
     * @throws IllegalStateException if the chain is intact (there is nothing to record: use
     *     {@link #open(Path)}), or the file is open by another sink
     * @throws UncheckedIOException if the file does not exist or cannot be read or written
     * @throws NullPointerException if an argument is null
     */
    public static JsonlAuditSink openNewSegment(Path file, String reason, String actor) {
        return openNewSegment(file, reason, actor, Clock.systemUTC());
    }

    static JsonlAuditSink openNewSegment(Path file, String reason, String actor, Clock clock) {
        Path path = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        requireText(reason, "reason");
        requireText(actor, "actor");
        if (!Files.isRegularFile(path)) {
            throw new UncheckedIOException("cannot open audit log " + path,
                    new java.nio.file.NoSuchFileException(path.toString()));
        }
        RandomAccessFile out;
        try {
            out = new RandomAccessFile(path.toFile(), "rw");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + path, e);
        }
        try {
            lockExclusively(out, path);
            AuditVerification v = verify(path);
            if (v.ok()) {
                throw new IllegalStateException(path + ": the chain is intact (" + v.entries()
                        + " entries): there is no break to record; open it with"
                        + " JsonlAuditSink.open");
            }
            long size = out.length();
            if (size > 0) {
                out.seek(size - 1);
                if (out.read() != '\n') { // a torn last line: end it, keep its bytes
                    out.seek(size);
                    out.write('\n');
                    out.getFD().sync();
                    size++;
                }
            }
            Skipped skipped = skipped(path, v.line());
            ObjectNode before = MAPPER.createObjectNode();
            before.put("first_bad_line", v.line());
            before.put("problem", v.message());
            before.put("last_good_line", v.line() - 1);
            before.put("last_good_hash", v.lastHash());
            before.put("skipped_lines", skipped.lines());
            before.put("skipped_sha256", skipped.sha256());
            String name = String.valueOf(path.getFileName());
            AuditEvent event = new AuditEvent(clock.instant(), actor, SEGMENT_ACTION, name,
                    MAPPER.writeValueAsString(before), null, reason, null, 0);
            long lines = v.line() - 1 + skipped.lines();
            JsonlAuditSink sink = new JsonlAuditSink(path, out, new Tail(lines, v.lastHash(),
                    size));
            sink.record(event);
            return sink;
        } catch (IOException e) {
            closeAfterFailure(out, e);
            throw new UncheckedIOException("cannot open audit log " + path, e);
        } catch (RuntimeException e) {
            closeAfterFailure(out, e);
            throw e;
        }
    }

    private static void requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private record Skipped(long lines, String sha256) {}

    /** Counts and hashes the lines from {@code fromLine} to the end, each with its newline. */
    private static Skipped skipped(Path file, long fromLine) throws IOException {
        MessageDigest digest = sha256();
        long count = 0;
        try (LogLines lines = LogLines.open(file)) {
            for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
                if (lines.lineNumber() >= fromLine) {
                    digest.update(bytes);
                    if (lines.terminated()) {
                        digest.update((byte) '\n');
                    }
                    count++;
                }
            }
        }
        return new Skipped(count, HEX.formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Opens the file; a seam for tests that inject I/O failures. */
    interface Opener {
        RandomAccessFile open(File file) throws IOException;
    }

    static JsonlAuditSink open(Path file, Opener opener) {
        return open(file, OpenCheck.WHOLE_CHAIN, opener);
    }

    static JsonlAuditSink open(Path file, OpenCheck check, Opener opener) {
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
            if (check == OpenCheck.WHOLE_CHAIN && tail.seq() > 0) {
                AuditVerification v = verify(path);
                if (!v.ok()) {
                    throw new IllegalStateException(path + ": line " + v.line() + ": "
                            + v.message() + ". Refusing to append to a broken chain: restore the"
                            + " file, or record the break and start a new segment with"
                            + " JsonlAuditSink.openNewSegment(file, reason, actor)");
                }
            }
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
            AuditChain.Link link = AuditChain.next(last.seq(), last.hash(), event);
            String hash = link.hash();
            byte[] line = (link.line() + '\n').getBytes(StandardCharsets.UTF_8);
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
     * its content, its seq is its line number and its prev is the hash of the line before. A
     * break recorded by a later {@value #SEGMENT_ACTION} entry (see {@link #openNewSegment}) is
     * reported in {@link AuditVerification#segments()} instead, provided the segment entry is
     * intact, links to the last good entry, and the lines it skipped are unchanged. Safe to call
     * while a sink appends to the file, though an entry being written may then be reported as an
     * incomplete last line.
     *
     * @param file the log
     * @return the result, naming the first bad line that no segment records, if there is one
     * @throws UncheckedIOException if the file cannot be read (or does not exist)
     */
    public static AuditVerification verify(Path file) {
        ChainCheck chain = new ChainCheck(sha256());
        List<AuditVerification.Segment> segments = new ArrayList<>();
        long badLine = 0;
        String badProblem = "";
        MessageDigest skipped = null;
        try (LogLines lines = LogLines.open(file)) {
            for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
                long line = lines.lineNumber();
                if (badLine == 0) {
                    String problem = checkLine(bytes, lines.terminated(), line, chain);
                    if (problem == null) {
                        continue;
                    }
                    badLine = line;
                    badProblem = problem;
                    skipped = sha256();
                } else {
                    AuditEntry segment = segmentEntry(bytes, lines.terminated(), line, chain.prev);
                    if (segment != null) {
                        String mismatch = mismatch(segment, badLine, line - badLine,
                                HEX.formatHex(skipped.digest()));
                        if (mismatch != null) {
                            return AuditVerification.invalid(badLine, badProblem
                                    + " (the segment entry on line " + line + " does not record"
                                    + " this break: " + mismatch + ")", chain.prev);
                        }
                        segments.add(new AuditVerification.Segment(line, badLine,
                                line - badLine, recordedProblem(segment, badProblem),
                                segment.event().actor(),
                                segment.event().reason(), segment.event().time()));
                        chain.prev = segment.hash();
                        chain.entries++;
                        badLine = 0;
                        continue;
                    }
                }
                skipped.update(bytes);
                if (lines.terminated()) {
                    skipped.update((byte) '\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + file, e);
        }
        return badLine != 0
                ? AuditVerification.invalid(badLine, badProblem, chain.prev)
                : AuditVerification.valid(chain.entries, chain.prev, segments);
    }

    /** Checks one line against the chain so far (advancing it); returns a problem or null. */
    private static @Nullable String checkLine(byte[] bytes, boolean terminated, long line,
            ChainCheck chain) {
        if (!terminated) {
            return "the last line " + INCOMPLETE;
        }
        AuditEntry entry;
        try {
            entry = AuditEntryCodec.parse(bytes);
        } catch (IllegalArgumentException e) {
            return "malformed entry: " + e.getMessage();
        }
        return chain.check(line, entry, AuditEntryCodec.hashOfCanonicalLine(bytes, chain.digest));
    }

    /** The line as an intact segment entry linking to {@code prev}, or null if it is not one. */
    private static @Nullable AuditEntry segmentEntry(byte[] bytes, boolean terminated, long line,
            String prev) {
        if (!terminated) {
            return null;
        }
        AuditEntry entry;
        try {
            entry = AuditEntryCodec.parse(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
        boolean isSegment = SEGMENT_ACTION.equals(entry.event().action()) && entry.seq() == line
                && entry.prev().equals(prev)
                && AuditEntryCodec.hashOf(entry).equals(entry.hash());
        return isSegment ? entry : null;
    }

    /** The problem a matching segment entry recorded when it was written (e.g. a torn line). */
    private static String recordedProblem(AuditEntry segment, String found) {
        try {
            String recorded = MAPPER.readTree(segment.event().before()).path("problem")
                    .asString("");
            return recorded.isEmpty() ? found : recorded;
        } catch (JacksonException e) {
            return found;
        }
    }

    /** Why a segment entry does not match the break it follows, or null if it does. */
    private static @Nullable String mismatch(AuditEntry segment, long badLine, long skippedLines,
            String skippedSha256) {
        String before = segment.event().before();
        JsonNode record;
        try {
            record = before == null ? null : MAPPER.readTree(before);
        } catch (JacksonException e) {
            record = null;
        }
        if (record == null || !record.isObject()) {
            return "its record of the break is not a JSON object";
        }
        if (record.path("first_bad_line").asLong(-1) != badLine) {
            return "it records first_bad_line " + record.path("first_bad_line");
        }
        if (record.path("skipped_lines").asLong(-1) != skippedLines) {
            return "it records " + record.path("skipped_lines") + " skipped lines but "
                    + skippedLines + " lie before it: lines were added or removed since";
        }
        if (!skippedSha256.equals(record.path("skipped_sha256").asString(""))) {
            return "the skipped lines were changed since it was written (their SHA-256 differs)";
        }
        return null;
    }

    /**
     * Reads the events of a log in file order, checking that each line is a well-formed entry but
     * not the chain (use {@link #verify(Path)} for that). Lines that a recorded break left out
     * of the chain (see {@link #openNewSegment}) are read too when they are well-formed, and
     * skipped when they are not (e.g. a torn line).
     *
     * @param file the log
     * @return its events, an immutable list
     * @throws UncheckedIOException if the file cannot be read (or does not exist)
     * @throws IllegalStateException if a line outside recorded breaks is malformed or the last
     *     line is incomplete; the message names the file and the line
     */
    public static List<AuditEvent> read(Path file) {
        List<AuditEvent> events = new ArrayList<>();
        List<AuditVerification.Segment> segments = null;
        try (LogLines lines = LogLines.open(file)) {
            for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
                long line = lines.lineNumber();
                String problem = null;
                if (!lines.terminated()) {
                    problem = "the last line " + INCOMPLETE;
                } else {
                    try {
                        events.add(AuditEntryCodec.parse(bytes).event());
                    } catch (IllegalArgumentException e) {
                        problem = "malformed entry: " + e.getMessage();
                    }
                }
                if (problem != null) {
                    if (segments == null) {
                        segments = verify(file).segments(); // only for logs with a bad line
                    }
                    if (!skippedBySegment(segments, line)) {
                        throw new IllegalStateException(file + ": line " + line + ": " + problem);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + file, e);
        }
        return List.copyOf(events);
    }

    private static boolean skippedBySegment(List<AuditVerification.Segment> segments, long line) {
        for (AuditVerification.Segment s : segments) {
            if (line >= s.firstBadLine() && line < s.line()) {
                return true;
            }
        }
        return false;
    }

    /** Checks one well-formed entry; returns a problem, or null if the entry is fine. */
    private interface EntryCheck {
        @Nullable String check(long line, AuditEntry entry);
    }

    private record Problem(long line, String message) {}

    /** Checks that each entry's hash matches its content and that it links to the one before. */
    private static final class ChainCheck implements EntryCheck {
        private final MessageDigest digest;
        private String prev = GENESIS_HASH;
        private long entries;

        ChainCheck(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public @Nullable String check(long line, AuditEntry entry) {
            return check(line, entry, AuditEntryCodec.hashOf(entry));
        }

        /** As {@link #check(long, AuditEntry)}, with the hash the entry should carry. */
        @Nullable String check(long line, AuditEntry entry, String expectedHash) {
            String problem = AuditChain.problem(line, entry, expectedHash, prev);
            if (problem != null) {
                return problem;
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
