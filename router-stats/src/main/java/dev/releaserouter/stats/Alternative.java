package dev.releaserouter.stats;

/**
 * The alternative hypothesis of a test of "no difference" (treatment minus control): two-sided,
 * or one-sided for an increase or a decrease. A one-sided p-value is the tail of the statistic
 * in the alternative's direction, computed as a survival function, never as {@code 1 - p} of the
 * two-sided test (which is wrong for the other direction and loses digits).
 */
public enum Alternative {

    /** The treatment differs from control, either way: {@code P(|T| >= |t|)}. */
    TWO_SIDED,

    /** The treatment's metric is higher (an increase): {@code P(T >= t)}. */
    GREATER,

    /** The treatment's metric is lower (a decrease): {@code P(T <= t)}. */
    LESS
}
