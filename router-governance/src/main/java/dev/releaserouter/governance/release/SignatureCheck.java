package dev.releaserouter.governance.release;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of checking a detached signature ({@link TrustedKeys#verify}).
 *
 * @param status what the check found
 * @param keyId the key id the signature names, or null if there is no readable signature
 * @param message what was found, naming the file and the key id, e.g. {@code
 *     release_manifest.json.sig: the signature by key 'release-2026' does not verify: the
 *     signed bytes had sha256 1a2b... but the file now has 3c4d... (changed after signing)}
 */
public record SignatureCheck(Status status, @Nullable String keyId, String message) {

    /** What a signature check found. */
    public enum Status {
        /** The signature verifies with the trusted key it names. */
        VALID,
        /** There is no signature file. */
        MISSING,
        /** The signature file cannot be read as a signature (bad JSON, field, encoding). */
        MALFORMED,
        /** The signature names a key id that is not trusted. */
        UNKNOWN_KEY,
        /**
         * The signature does not verify with the trusted key it names: the content changed
         * after signing, or another key signed it.
         */
        INVALID
    }

    /**
     * Checks for null.
     *
     * @param status as described on the record
     * @param keyId as described on the record
     * @param message as described on the record
     * @throws NullPointerException if status or message is null
     */
    public SignatureCheck {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    /** @return whether the status is {@link Status#VALID} */
    public boolean valid() {
        return status == Status.VALID;
    }
}
