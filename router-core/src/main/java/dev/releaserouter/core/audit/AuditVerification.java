package dev.releaserouter.core.audit;

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
 */
public final class AuditVerification {

    private final boolean ok;
    private final long entries;
    private final long line;
    private final String message;
    private final String lastHash;

    private AuditVerification(boolean ok, long entries, long line, String message,
            String lastHash) {
        this.ok = ok;
        this.entries = entries;
        this.line = line;
        this.message = message;
        this.lastHash = lastHash;
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
        return new AuditVerification(true, entries, 0, "", Objects.requireNonNull(lastHash));
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
                Objects.requireNonNull(lastHash));
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

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof AuditVerification)) {
            return false;
        }
        AuditVerification v = (AuditVerification) o;
        return ok == v.ok && entries == v.entries && line == v.line && message.equals(v.message)
                && lastHash.equals(v.lastHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ok, entries, line, message, lastHash);
    }

    @Override
    public String toString() {
        return ok
                ? "audit log valid: " + entries + " entries, last hash " + lastHash
                : "audit log invalid at line " + line + ": " + message;
    }
}
