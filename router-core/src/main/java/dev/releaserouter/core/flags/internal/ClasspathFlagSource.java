package dev.releaserouter.core.flags.internal;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A flag file on the classpath: read and parsed once, on the first successful {@link #load()}, and
 * never watched (a classpath resource does not change while the application runs). A resource
 * larger than the size limit is refused after reading at most the limit plus one byte.
 *
 * <p>Thread-safe: {@link #load()} is synchronized and caches the configuration.
 */
public final class ClasspathFlagSource implements FlagSource {

    private final String resource;
    private final ClassLoader loader;
    private final String description;
    private final long maxSize;
    private @Nullable RouterConfig config; // guarded by this

    /**
     * @param resource the resource name, e.g. {@code flags.json}; a leading {@code /} is ignored
     * @param loader the class loader that finds it
     * @param maxSize the largest resource, in bytes, that is read
     * @throws IllegalArgumentException if the resource name is blank or maxSize not positive
     */
    public ClasspathFlagSource(String resource, ClassLoader loader, long maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be positive, but was " + maxSize);
        }
        this.maxSize = maxSize;
        Objects.requireNonNull(resource, "resource");
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        if (name.isBlank()) {
            throw new IllegalArgumentException("resource must be non-blank, but was " + resource);
        }
        this.resource = name;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.description = "classpath:" + name;
    }

    /** @return {@code classpath:} and the resource name */
    @Override
    public String description() {
        return description;
    }

    /**
     * Reads and parses the resource the first time; returns the same configuration afterwards.
     *
     * @return the configuration
     * @throws ConfigException if the resource is missing, unreadable or invalid
     */
    @Override
    public synchronized RouterConfig load() {
        RouterConfig c = config;
        if (c == null) {
            c = FlagFileParser.parse(read(), description);
            config = c;
        }
        return c;
    }

    private byte[] read() {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(description, "", null,
                        "the classpath resource " + resource + " does not exist", null);
            }
            return FlagFileSize.read(in, maxSize, description,
                    FlagFileSize.CLASSPATH_HOW_TO_RAISE);
        } catch (IOException e) {
            throw new ConfigException(description, "", null,
                    "cannot read the classpath resource " + resource + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "ClasspathFlagSource{" + description + "}";
    }
}
