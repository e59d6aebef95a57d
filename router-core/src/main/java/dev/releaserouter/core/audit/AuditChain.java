package dev.releaserouter.core.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.internal.AuditEntry;
import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The hash chain of an audit trail, independent of where its lines are stored: the canonical
 * line of the next entry and its hash, parsing a line back, and verifying a sequence of lines.
 * {@link JsonlAuditSink} writes these lines to a file, one per line; another store (a Redis
 * Stream in fleet mode) may keep them elsewhere and still be verified by the same rules. The line
 * format is the wire contract described in {@code docs/audit.md}.
 *
 * <p>Stateless and thread-safe.
 */
public final class AuditChain {

    /** The {@code prev} of the first entry: 64 zeros. */
    public static final String GENESIS_HASH = AuditEntryCodec.GENESIS_HASH;

    private AuditChain() {}

    /**
     * One entry of a chain. Immutable.
     *
     * @param seq its 1-based sequence number
     * @param event what it records
     * @param prev the hash of the entry before ({@link #GENESIS_HASH} for the first)
     * @param hash its own hash (SHA-256 of its canonical content)
     * @param line its canonical line, without a trailing newline
     */
    public record Link(long seq, AuditEvent event, String prev, String hash, String line) {
        /** @throws NullPointerException if an argument is null */
        public Link {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(prev, "prev");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(line, "line");
        }
    }

    /**
     * The entry that follows another.
     *
     * @param previousSeq the sequence number of the last entry, 0 for an empty chain
     * @param previousHash the hash of the last entry, {@link #GENESIS_HASH} for an empty chain
     * @param event the event to record
     * @return the next entry, with its line and hash
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if previousSeq is negative
     */
    public static Link next(long previousSeq, String previousHash, AuditEvent event) {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(event, "event");
        if (previousSeq < 0) {
            throw new IllegalArgumentException("previousSeq must be >= 0, but was "
                    + previousSeq);
        }
        long seq = previousSeq + 1;
        String body = AuditEntryCodec.body(seq, event, previousHash);
        String hash = AuditEntryCodec.sha256Hex(body);
        byte[] bytes = AuditEntryCodec.line(body, hash);
        String line = new String(bytes, 0, bytes.length - 1, UTF_8);
        return new Link(seq, event, previousHash, hash, line);
    }

    /**
     * Parses one line strictly (canonical form, every field), without checking its hash.
     *
     * @param line a line, without its newline
     * @return the entry
     * @throws IllegalArgumentException describing why the line is malformed
     */
    public static Link parse(String line) {
        AuditEntry e = AuditEntryCodec.parse(line.getBytes(UTF_8));
        return new Link(e.seq(), e.event(), e.prev(), e.hash(), line);
    }

    /**
     * Verifies a whole chain: every line well-formed, its hash matching its content, sequence
     * numbers 1, 2, 3... and each {@code prev} the hash of the line before. Detects an edited,
     * removed, inserted or reordered entry (except removing the last ones: compare
     * {@link AuditVerification#lastHash()} with a copy kept elsewhere).
     *
     * @param lines the lines, oldest first, without newlines
     * @return the result, naming the first bad line (1-based) if there is one
     * @throws NullPointerException if lines or a line is null
     */
    public static AuditVerification verify(Iterable<String> lines) {
        String prev = GENESIS_HASH;
        long n = 0;
        for (String text : lines) {
            n++;
            AuditEntry entry;
            try {
                entry = AuditEntryCodec.parse(text.getBytes(UTF_8));
            } catch (IllegalArgumentException e) {
                return AuditVerification.invalid(n, "malformed entry: " + e.getMessage(), prev);
            }
            String problem = problem(n, entry, AuditEntryCodec.hashOf(entry), prev);
            if (problem != null) {
                return AuditVerification.invalid(n, problem, prev);
            }
            prev = entry.hash();
        }
        return AuditVerification.valid(n, prev);
    }

    /** What is wrong with entry number {@code line} of a chain whose last hash is prev, or null. */
    static @Nullable String problem(long line, AuditEntry entry, String expectedHash,
            String prev) {
        if (!expectedHash.equals(entry.hash())) {
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
        return null;
    }
}
