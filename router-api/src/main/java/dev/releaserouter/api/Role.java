package dev.releaserouter.api;

/** The role a version plays for a model in a given configuration. */
public enum Role {
    /** The version everyone gets unless a rule sends them to a candidate. */
    STABLE,
    /** A version under canary, shadow or A/B evaluation. */
    CANDIDATE
}
