package dev.releaserouter.replay.eval;

/**
 * Cost per call of the stable version and the candidate (seed 000 §2.2: "comparação offline de
 * métricas (score drift, latência, custo, erros)"), in the application's unit. Immutable.
 *
 * @param stableCalls calls of the stable version with a known cost
 * @param stablePerCall the stable version's mean cost per call; NaN if none is known
 * @param candidateCalls calls of the candidate with a known cost
 * @param candidatePerCall the candidate's mean cost per call; NaN if none is known
 */
public record CostComparison(long stableCalls, double stablePerCall, long candidateCalls,
        double candidatePerCall) {

    /** No cost known. */
    public static final CostComparison NONE =
            new CostComparison(0, Double.NaN, 0, Double.NaN);

    /**
     * @throws IllegalArgumentException if a count is negative, or a mean is infinite or
     *     negative, or a mean is known without calls
     */
    public CostComparison {
        check("stable", stableCalls, stablePerCall);
        check("candidate", candidateCalls, candidatePerCall);
    }

    private static void check(String arm, long calls, double perCall) {
        if (calls < 0) {
            throw new IllegalArgumentException(arm + " cost calls must be >= 0, but was "
                    + calls);
        }
        if (!Double.isNaN(perCall) && !(perCall >= 0 && perCall < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(arm + " cost per call must be a finite number"
                    + " >= 0, or NaN, but was " + perCall);
        }
        if ((calls == 0) != Double.isNaN(perCall)) {
            throw new IllegalArgumentException(arm + " cost per call must be NaN exactly when"
                    + " no call has a cost, but was " + perCall + " over " + calls + " calls");
        }
    }

    /** @return whether any cost is known */
    public boolean isMeasured() {
        return stableCalls > 0 || candidateCalls > 0;
    }

    /**
     * @return {@code 100 (candidate - stable) / stable}; 0 when both are 0, +Infinity when only
     *     the stable cost is 0, NaN when either is unknown
     */
    public double increasePct() {
        return ShadowGateInput.increasePct(stablePerCall, candidatePerCall);
    }
}
