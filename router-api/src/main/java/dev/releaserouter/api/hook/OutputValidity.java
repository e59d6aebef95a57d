package dev.releaserouter.api.hook;

/** What the model's {@code OutputValidator} said of a served output. */
public enum OutputValidity {
    /** No validator is configured, or the call failed before it produced an output. */
    NOT_CHECKED,
    /** The validator accepted the output. */
    VALID,
    /** The validator rejected the output (or failed while checking it); it was served anyway. */
    INVALID
}
