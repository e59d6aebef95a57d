package dev.releaserouter.spring;

import dev.releaserouter.api.config.ConfigException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a startup failure caused by a bad flag file ({@link ConfigException}) or a bad
 * {@code router.*} property ({@link RouterPropertyException}) into a short description that
 * names the file, the JSON pointer and the value (or the property and its value) and an action.
 * Registered in {@code META-INF/spring.factories}.
 *
 * <p>Stateless and thread-safe.
 */
public class RouterFailureAnalyzer implements FailureAnalyzer {

    /** Created by Spring Boot. */
    public RouterFailureAnalyzer() {
    }

    /**
     * Analyzes a startup failure.
     *
     * @param failure the failure
     * @return the analysis, or null when no {@link ConfigException} or
     *     {@link RouterPropertyException} is among the causes
     */
    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException c) {
                return flagFile(c);
            }
            if (t instanceof RouterPropertyException p) {
                return property(p);
            }
        }
        return null;
    }

    private static FailureAnalysis flagFile(ConfigException c) {
        String source = c.source() != null ? c.source() : "the router configuration";
        StringBuilder d = new StringBuilder("Release Router could not load its flag file.\n\n")
                .append("    file:    ").append(source).append('\n')
                .append("    pointer: ").append(c.pointer().isEmpty() ? "/" : c.pointer())
                .append('\n');
        if (c.value() != null) {
            d.append("    value:   ").append(c.value()).append('\n');
        }
        d.append("    problem: ").append(c.problem());
        return new FailureAnalysis(d.toString(), "Fix the value at " + (c.pointer().isEmpty()
                ? "/" : c.pointer()) + " in " + source + ", or point router.flags.location /"
                + " router.flags.path at a valid flag file (see docs/flag-file.md).", c);
    }

    private static FailureAnalysis property(RouterPropertyException p) {
        String d = "Release Router refused the property '" + p.property() + "'"
                + (p.value() != null ? " with value " + p.value() : "") + ":\n\n    "
                + p.getMessage();
        return new FailureAnalysis(d, "Update '" + p.property()
                + "' in your application configuration (see docs/spring.md).", p);
    }
}
