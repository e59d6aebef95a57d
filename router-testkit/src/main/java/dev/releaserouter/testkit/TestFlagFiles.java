package dev.releaserouter.testkit;

import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.FlagSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads flag files into configurations (with the router's own parser, so a file that loads here
 * loads in production) and writes configurations as flag files. Stateless and thread-safe.
 */
public final class TestFlagFiles {

    private TestFlagFiles() {}

    /**
     * Reads and validates a flag file once, without watching it.
     *
     * @param path the flag file
     * @return its configuration
     * @throws dev.releaserouter.api.config.ConfigException if the file is missing or invalid,
     *     naming the file, the JSON pointer and the value
     */
    public static RouterConfig read(Path path) {
        try (FlagSource source = FlagSources.file(path)) {
            return source.load();
        }
    }

    /**
     * Reads and validates a flag file on the classpath of the calling thread.
     *
     * @param resource the resource name, e.g. {@code flags.json}
     * @return its configuration
     * @throws dev.releaserouter.api.config.ConfigException if it is missing or invalid
     */
    public static RouterConfig readClasspath(String resource) {
        try (FlagSource source = FlagSources.classpath(resource)) {
            return source.load();
        }
    }

    /**
     * Writes a configuration as a canonical long-form flag file with router-core's own writer
     * ({@link FlagSources#toJson}): defaults left out, lists sorted. {@link #read(Path)} of the
     * text gives back an equal configuration.
     *
     * @param config the configuration
     * @return the JSON text
     */
    public static String toJson(RouterConfig config) {
        return FlagSources.toJson(config);
    }

    /**
     * Writes a configuration as a flag file, replacing the file if it exists.
     *
     * @param config the configuration
     * @param path where to write it
     * @return {@code path}
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path write(RouterConfig config, Path path) {
        try {
            return Files.writeString(path, toJson(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }
}
