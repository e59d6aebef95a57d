package dev.releaserouter.spring;

import dev.releaserouter.api.config.ConfigException;
import java.nio.file.NoSuchFileException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a startup failure caused by a bad flag file ({@link ConfigException}), a bad
 * {@code router.*} property ({@link RouterPropertyException}) or a wiring problem
 * ({@link RouterWiringException}: a {@code @ShadowV2} method naming a missing bean, a router that
 * cannot start) into a short description that names the file, the JSON pointer and the value (or
 * the property and its value, or the method) and an action. A flag file that does not exist is
 * said so, with where it was looked for. Registered in {@code META-INF/spring.factories}.
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
     * @return the analysis, or null when no {@link ConfigException},
     *     {@link RouterPropertyException} or {@link RouterWiringException} is among the causes
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
            if (t instanceof RouterWiringException w) {
                return wiring(w);
            }
        }
        return null;
    }

    private static FailureAnalysis flagFile(ConfigException c) {
        String source = c.source() != null ? c.source() : "the router configuration";
        if (isMissing(c)) {
            String d = "Release Router could not find its flag file.\n\n"
                    + "    looked for: " + source + "\n"
                    + "    problem:    " + c.problem();
            return new FailureAnalysis(d, "Put a flag file there (for the default,"
                    + " src/main/resources/router-flags.json), or point"
                    + " router.flags.location (a classpath resource) or router.flags.path (a"
                    + " watched file) at yours (see docs/spring.md and docs/flag-file.md).", c);
        }
        StringBuilder d = new StringBuilder("Release Router could not load its flag file.\n\n")
                .append("    file:    ").append(source).append('\n');
        if (!c.pointer().isEmpty()) {
            d.append("    pointer: ").append(c.pointer()).append('\n');
        }
        if (c.value() != null) {
            d.append("    value:   ").append(c.value()).append('\n');
        }
        d.append("    problem: ").append(c.problem());
        String what = c.pointer().isEmpty() ? "Fix " + source
                : "Fix the value at " + c.pointer() + " in " + source;
        return new FailureAnalysis(d.toString(), what + ", or point router.flags.location /"
                + " router.flags.path at a valid flag file (see docs/flag-file.md).", c);
    }

    /** A flag file (or classpath resource) that is not there: nothing to fix inside it. */
    private static boolean isMissing(ConfigException c) {
        if (!c.pointer().isEmpty()) {
            return false;
        }
        for (Throwable t = c.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoSuchFileException) {
                return true;
            }
        }
        return c.problem().endsWith("does not exist");
    }

    private static FailureAnalysis property(RouterPropertyException p) {
        String d = "Release Router refused the property '" + p.property() + "'"
                + (p.value() != null ? " with value " + p.value() : "") + ":\n\n    "
                + p.getMessage();
        return new FailureAnalysis(d, "Update '" + p.property()
                + "' in your application configuration (see docs/spring.md).", p);
    }

    private static FailureAnalysis wiring(RouterWiringException w) {
        String d = "Release Router could not be wired into the application.\n\n"
                + "    where:   " + w.subject() + "\n"
                + "    problem: " + w.problem()
                + (w.getCause() != null ? "\n    cause:   " + w.getCause() : "");
        return new FailureAnalysis(d, w.action(), w);
    }
}
