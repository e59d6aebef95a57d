package dev.releaserouter.core;

import java.security.CodeSource;

/**
 * Checks at startup that the class path's {@code com.fasterxml.jackson.core:jackson-annotations}
 * is as new as the Jackson 3 databind the router is built with needs. An older one (common when
 * another library pulls in Jackson 2.x) otherwise fails later, deep in the first JSON read, with
 * a bare {@code ClassNotFoundException: com.fasterxml.jackson.annotation.JsonSerializeAs}.
 *
 * <p>Stateless apart from a flag that makes the check run once per class loader of this class;
 * thread-safe (a race only checks twice).
 */
final class JacksonAlignment {

    /** The artifact to align. */
    static final String ANNOTATIONS = "com.fasterxml.jackson.core:jackson-annotations";

    /**
     * The version the build's Jackson 3 databind asks for (its BOM's
     * {@code jackson.version.annotations}); router-bom manages this version.
     */
    static final String REQUIRED_VERSION = "2.22";

    /** The newest annotation that databind uses: added in jackson-annotations 2.22. */
    static final String NEWEST_ANNOTATION = "com.fasterxml.jackson.annotation.JsonApplyView";

    private static final String ANY_ANNOTATION = "com.fasterxml.jackson.annotation.JsonProperty";

    private static volatile boolean checked;

    private JacksonAlignment() {}

    /** Checks the class path this class was loaded from, once. */
    static void checkOnce() {
        if (!checked) {
            check(JacksonAlignment.class.getClassLoader());
            checked = true;
        }
    }

    /**
     * Checks the annotations visible to a class loader.
     *
     * @param loader where Jackson is loaded from
     * @throws IllegalStateException if jackson-annotations is missing or older than
     *     {@link #REQUIRED_VERSION}, naming the artifact, both versions and how to align them
     */
    static void check(ClassLoader loader) {
        Class<?> annotation;
        try {
            annotation = Class.forName(ANY_ANNOTATION, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(ANNOTATIONS + " is not on the class path, but"
                    + " Jackson 3 (tools.jackson.core:jackson-databind, used by Release Router)"
                    + " needs version " + REQUIRED_VERSION + " or newer: " + HOW_TO_ALIGN, e);
        }
        try {
            Class.forName(NEWEST_ANNOTATION, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("Jackson versions do not match: Jackson 3"
                    + " (tools.jackson.core:jackson-databind, used by Release Router) needs "
                    + ANNOTATIONS + " " + REQUIRED_VERSION + " or newer, but the class path has "
                    + describe(annotation) + ", which lacks " + NEWEST_ANNOTATION + ". "
                    + HOW_TO_ALIGN, e);
        }
    }

    private static final String HOW_TO_ALIGN = "Align it: import dev.releaserouter:router-bom"
            + " first in <dependencyManagement> (it manages " + ANNOTATIONS + " "
            + REQUIRED_VERSION + "), or manage " + ANNOTATIONS + ":" + REQUIRED_VERSION
            + " yourself; 'mvn dependency:tree -Dincludes=com.fasterxml.jackson.core' shows"
            + " which dependency brings the old one.";

    private static String describe(Class<?> annotation) {
        Package p = annotation.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        String where = null;
        try {
            CodeSource source = annotation.getProtectionDomain().getCodeSource();
            where = source == null || source.getLocation() == null ? null
                    : source.getLocation().toString();
        } catch (SecurityException e) {
            // unknown location
        }
        return "jackson-annotations " + (version != null ? version : "of an unknown version")
                + (where != null ? " (" + where + ")" : "");
    }
}
