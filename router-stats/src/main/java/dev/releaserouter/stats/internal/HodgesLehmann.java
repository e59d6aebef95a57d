package dev.releaserouter.stats.internal;

/**
 * The two-sample Hodges-Lehmann shift: the median of all {@code n m} differences
 * {@code t_j - c_i}, found exactly without materializing them.
 *
 * <p>Counting the differences at most {@code d} takes one merge-like pass over the sorted arms
 * (rounded subtraction is monotone in each argument), so a binary search over the ordered bit
 * patterns of doubles finds any order statistic in at most 64 passes: {@code O(n + m)} memory
 * and {@code O((n + m) log(n + m))} time including the sort the caller did.
 */
public final class HodgesLehmann {

    private HodgesLehmann() {}

    /**
     * The median of {@code t_j - c_i}.
     *
     * @param c the control's values, sorted ascending, finite
     * @param t the treatment's values, sorted ascending, finite
     * @return the median difference, NaN if either arm is empty
     */
    public static double shift(double[] c, double[] t) {
        if (c.length == 0 || t.length == 0) {
            return Double.NaN;
        }
        long count = (long) c.length * t.length;
        if (count % 2 == 1) {
            return kthDifference(c, t, (count + 1) / 2);
        }
        return kthDifference(c, t, count / 2) / 2 + kthDifference(c, t, count / 2 + 1) / 2;
    }

    /** The k-th smallest difference (1-based). */
    static double kthDifference(double[] c, double[] t, long k) {
        long lo = key(t[0] - c[c.length - 1]);
        long hi = key(t[t.length - 1] - c[0]);
        while (lo < hi) {
            // Floor average without overflow: the keys span nearly the whole long range.
            long mid = (lo >> 1) + (hi >> 1) + (lo & hi & 1);
            if (countAtMost(c, t, value(mid)) >= k) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return value(lo) + 0.0;
    }

    /** How many differences {@code t_j - c_i} are {@code <= d}. */
    static long countAtMost(double[] c, double[] t, double d) {
        long count = 0;
        int i = 0;
        for (double tj : t) {
            // The differences <= d for this t_j are those with c_i at index i or above.
            while (i < c.length && tj - c[i] > d) {
                i++;
            }
            count += c.length - i;
        }
        return count;
    }

    /** Maps a double to a long whose signed order is the double's numeric order. */
    private static long key(double x) {
        long bits = Double.doubleToRawLongBits(x);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    private static double value(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
    }
}
