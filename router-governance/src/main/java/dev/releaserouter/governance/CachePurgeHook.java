package dev.releaserouter.governance;

/**
 * Purges the serving caches of a version when it is taken out of service (seed 004 section 2:
 * "Revoked: block consumption, purge the cache"; section 6: the backout "clears the serving
 * caches"). {@link ReleaseGovernance} calls every registered hook after a revocation, after an
 * alias rollback (for the version moved away from) and when a version's approval expires.
 *
 * <p>A hook is user code: whatever it throws is contained (a fatal VM error is rethrown),
 * counted in {@link ReleaseGovernance#cachePurgeFailures()} and audited as a failed
 * {@code cache.purge}; the revocation or backout it follows stands. Implementations must be
 * thread-safe and should return quickly (they run under the governance's lock; hand slow work to
 * an executor).
 */
@FunctionalInterface
public interface CachePurgeHook {

    /** Why a version's caches are purged. */
    enum Cause {
        /** The version was revoked. */
        REVOKE,
        /** An alias was rolled back away from the version. */
        BACKOUT,
        /** The version's approval passed its {@code revalidate_by}. */
        EXPIRED
    }

    /**
     * @param model the model
     * @param version the version whose cached predictions must go
     * @param cause why
     * @throws Exception anything; contained and counted by the caller
     */
    void purge(String model, String version, Cause cause) throws Exception;
}
