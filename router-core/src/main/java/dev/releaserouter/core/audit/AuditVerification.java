package dev.releaserouter.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link JsonlAuditSink#verify(java.nio.file.Path)}: whether an audit log's hash
 * chain is intact and, if not, the first line where it breaks. Immutable and thread-safe.
 *
 * <p>A valid chain proves that no entry was edited, removed, inserted or reordered since it was
 * written, except at the very end: removing the last entries leaves a shorter valid chain. To
 * detect that, keep {@link #entries()} and {@link #lastHash()} somewhere else (a ticket, another
 * system's log) and compare them later.
 *
 * <p>A log may hold several <b>segments</b>: after a break, {@link
 * JsonlAuditSink#openNewSegment} appends an entry (action {@code audit.segment}) that records the
 * break (the first bad line, why it is bad, the last good entry, and the count and SHA-256 of the
 * lines it leaves out of the chain) and links to the last good entry. A recorded break is
 * reported in {@link #segments()}, not as a failure; a break that no segment entry records, or
 * skipped lines changed after the segment entry was written, still fail.
 */
public final class AuditVerification {

    /**
     * A recorded break in the chain and the segment that starts after it. Immutable.
     *
     * @param line the 1-based line of the {@code audit.segment} entry that starts the segment
     * @param firstBadLine the first line of the break (the lines from it up to {@code line - 1}
     *     are outside the chain)
     * @param skippedLines how many lines the break leaves out of the chain
     * @param problem what was wrong with {@code firstBadLine}
     * @param actor who started the segment
     * @param reason why, as they wrote it
     * @param time when the segment was started
     */
    public record Segment(long line, long firstBadLine, long skippedLines, String problem,
            String actor, String reason, Instant time) {
        /**
         * @throws NullPointerException if a text or the time is null
         */
        public Segment {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(time, "time");
        }
    }

    private final boolean ok;
    private final long entries;
    private final long line;
    private final String message;
    private final String lastHash;
    private final List<Segment> segments;

    private AuditVerification(boolean ok, long entries, long line, String message,
            String lastHash, List<Segment> segments) {
        this.ok = ok;
        this.entries = entries;
        this.line = line;
        this.message = message;
        this.lastHash = lastHash;
        this.segments = List.copyOf(segments);
    }

    /**
     * @param entries how many entries were checked
     * @param lastHash the hash of the last entry, or 64 zeros for an empty log
     * @return a successful result
     * @throws IllegalArgumentException if entries is negative
     */
    public static AuditVerification valid(long entries, String lastHash) {
        if (entries < 0) {
            throw new IllegalArgumentException("entries must be >= 0, but was " + entries);
        }
        return valid(entries, lastHash, List.of());
    }

    /**
     * @param entries how many entries were checked (segment entries included, skipped lines not)
     * @param lastHash the hash of the last entry, or 64 zeros for an empty log
     * @param segments the recorded breaks, in file order; copied
     * @return a successful result
     * @throws IllegalArgumentException if entries is negative
     * @throws NullPointerException if lastHash or segments is null
     */
    public static AuditVerification valid(long entries, String lastHash, List<Segment> segments) {
        if (entries < 0) {
            throw new IllegalArgumentException("entries must be >= 0, but was " + entries);
        }
        return new AuditVerification(true, entries, 0, "", Objects.requireNonNull(lastHash),
                segments);
    }

    /**
     * @param line the 1-based line of the first problem
     * @param message what is wrong with that line
     * @param lastHash the hash of the last valid entry before that line, or 64 zeros
     * @return a failed result; {@link #entries()} is {@code line - 1}, the entries found valid
     * @throws IllegalArgumentException if line is less than 1
     */
    public static AuditVerification invalid(long line, String message, String lastHash) {
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, but was " + line);
        }
        return new AuditVerification(false, line - 1, line, Objects.requireNonNull(message),
                Objects.requireNonNull(lastHash), List.of());
    }

    /** @return true if every line is a well-formed entry and the chain is intact */
    public boolean ok() {
        return ok;
    }

    /** @return how many entries were found valid (all of them when {@link #ok()}) */
    public long entries() {
        return entries;
    }

    /** @return the 1-based line of the first problem, or 0 when {@link #ok()} */
    public long line() {
        return line;
    }

    /** @return what is wrong with {@link #line()}, or an empty string when {@link #ok()} */
    public String message() {
        return message;
    }

    /** @return the hash of the last valid entry, or 64 zeros if there is none */
    public String lastHash() {
        return lastHash;
    }

    /**
     * @return the recorded breaks, each starting a new segment, in file order (empty for a log
     *     written in one piece, and for a failed result); immutable
     */
    public List<Segment> segments() {
        return segments;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof AuditVerification)) {
            return false;
        }
        AuditVerification v = (AuditVerification) o;
        return ok == v.ok && entries == v.entries && line == v.line && message.equals(v.message)
                && lastHash.equals(v.lastHash) && segments.equals(v.segments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ok, entries, line, message, lastHash, segments);
    }

    @Override
    public String toString() {
        return ok
                ? "audit log valid: " + entries + " entries, last hash " + lastHash
                        + (segments.isEmpty() ? "" : ", " + segments.size()
                                + (segments.size() == 1 ? " segment" : " segments")
                                + " after recorded breaks (first bad lines "
                                + segments.stream().map(sg -> Long.toString(sg.firstBadLine()))
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + ")")
                : "audit log invalid at line " + line + ": " + message;
    }
}
