package dev.releaserouter.api.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A configuration is invalid. Names where (the source, e.g. a file, and a JSON pointer into it),
 * what (the bad value) and why.
 *
 * <p>Thrown by configuration builders and flag-file loaders at load time; never by
 * {@code Router.decide}. Immutable.
 */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_VALUE_CHARS = 200;

    private final @Nullable String source;
    private final String pointer;
    private final @Nullable String value;
    private final String problem;

    /**
     * @param source where the configuration came from (a file, a classpath resource), or null
     * @param pointer JSON pointer (RFC 6901) of the offending field; {@code ""} for the whole
     *     document
     * @param value the offending value as text, or null if there is none (a missing field);
     *     kept shortened to its first 200 characters and {@code ...}
     * @param problem what is wrong, e.g. "weight must be between 0 and 100"
     * @param cause underlying cause, or null
     */
    public ConfigException(
            @Nullable String source,
            String pointer,
            @Nullable String value,
            String problem,
            @Nullable Throwable cause) {
        super(format(source, pointer, value, problem), cause);
        this.source = source;
        this.pointer = Objects.requireNonNull(pointer, "pointer");
        this.value = shorten(value);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /**
     * A problem with a field of the object being built, before the source is known.
     *
     * @param pointer JSON pointer of the field relative to the object
     * @param value the bad value, or null if missing
     * @param problem what is wrong
     */
    public ConfigException(String pointer, @Nullable Object value, String problem) {
        this(null, pointer, value == null ? null : String.valueOf(value), problem, null);
    }

    /**
     * The same problem seen from an enclosing document: prefixes the pointer and sets the source.
     *
     * @param source the file or resource, or null to keep the current one
     * @param pointerPrefix pointer of the enclosing object, e.g. {@code /models/churn}
     * @return a new exception with the combined location
     */
    public ConfigException locatedIn(@Nullable String source, String pointerPrefix) {
        ConfigException e = new ConfigException(
                source != null ? source : this.source,
                pointerPrefix + pointer,
                value,
                problem,
                getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /**
     * Escapes a name for use as one reference token of a JSON pointer (RFC 6901): {@code ~}
     * becomes {@code ~0} and {@code /} becomes {@code ~1}, so that a model named {@code a/b}
     * is located at {@code /models/a~1b}. The one implementation the router's modules share.
     *
     * @param name a field name or key, as written in the document
     * @return the escaped token
     * @throws NullPointerException if name is null
     */
    public static String pointerToken(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /** @return the file or resource, or null if not known */
    public @Nullable String source() {
        return source;
    }

    /** @return the JSON pointer of the offending field ({@code ""} for the whole document) */
    public String pointer() {
        return pointer;
    }

    /** @return the offending value as text (shortened), or null if there was none */
    public @Nullable String value() {
        return value;
    }

    /** @return what is wrong, without the location */
    public String problem() {
        return problem;
    }

    /** A value of any length shown or kept as its first 200 characters, then {@code ...}. */
    private static @Nullable String shorten(@Nullable String value) {
        return value == null || value.length() <= MAX_VALUE_CHARS ? value
                : value.substring(0, MAX_VALUE_CHARS) + "...";
    }

    private static String format(
            @Nullable String source, String pointer, @Nullable String value, String problem) {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(source).append(": ");
        }
        sb.append("at ").append(pointer.isEmpty() ? "/" : pointer).append(": ").append(problem);
        if (value != null) {
            sb.append(", but was ").append(shorten(value));
        }
        return sb.toString();
    }
}
