package dev.releaserouter.core;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.flags.internal.ClasspathFlagSource;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.flags.internal.FlagFileWriter;
import dev.releaserouter.core.flags.internal.StaticFlagSource;
import dev.releaserouter.core.flags.internal.WatchedFileFlagSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Factories of the built-in {@link FlagSource}s: a flag file on the classpath (the startup
 * default), a file on disk that is watched and hot-reloaded (e.g. a Kubernetes ConfigMap), and a
 * configuration given by the program. The flag-file format is described in
 * {@code docs/flag-file.md}.
 *
 * <pre>{@code
 * FlagSource flags = FlagSources.fileBuilder(Path.of("/etc/router/flags.json"))
 *         .fallback(FlagSources.classpath("flags.json"))
 *         .build();
 * }</pre>
 *
 * <p>Every source returned is thread-safe. Errors name the source ({@code classpath:flags.json},
 * {@code file:/etc/router/flags.json}), the JSON pointer and the offending value.
 */
public final class FlagSources {

    /**
     * The default size limit of a flag file, 16 MiB: a deny list of about 800,000 tenants, which
     * took 1.3 s to read and apply on a loaded 2-core machine (docs/benchmarks.md). A larger file
     * is refused before it is read, with an error that says how to raise the limit.
     */
    public static final long DEFAULT_MAX_SIZE = WatchedFileFlagSource.DEFAULT_MAX_SIZE;

    private FlagSources() {}

    /**
     * A flag file on the classpath, found with the thread's context class loader (or, if there is
     * none, the one that loaded this class). It is read and parsed on the first
     * {@link FlagSource#load()} and never watched.
     *
     * @param resource the resource name, e.g. {@code flags.json} (a leading {@code /} is ignored)
     * @return the source, described as {@code classpath:<resource>}
     * @throws IllegalArgumentException if the name is blank; a missing resource is reported by
     *     {@code load()} as a {@link ConfigException} naming it
     */
    public static FlagSource classpath(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return classpath(resource, loader != null ? loader : FlagSources.class.getClassLoader());
    }

    /**
     * A flag file on the classpath of the given class loader; see {@link #classpath(String)}.
     *
     * @param resource the resource name
     * @param loader the class loader that finds it
     * @return the source
     * @throws IllegalArgumentException if the name is blank
     */
    public static FlagSource classpath(String resource, ClassLoader loader) {
        return classpath(resource, loader, DEFAULT_MAX_SIZE);
    }

    /**
     * A flag file on the classpath of the given class loader, with a size limit other than
     * {@link #DEFAULT_MAX_SIZE}; see {@link #classpath(String)}.
     *
     * @param resource the resource name
     * @param loader the class loader that finds it
     * @param maxSize the largest resource, in bytes, that {@code load()} reads; a larger one is
     *     a {@link ConfigException} naming its size and the limit, found before it is read whole
     * @return the source
     * @throws IllegalArgumentException if the name is blank or {@code maxSize} is not positive
     */
    public static FlagSource classpath(String resource, ClassLoader loader, long maxSize) {
        return new ClasspathFlagSource(resource, loader, requireMaxSize(maxSize));
    }

    private static long requireMaxSize(long maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException(
                    "maxSize must be a positive number of bytes, but was " + maxSize);
        }
        return maxSize;
    }

    /**
     * A flag file on disk, watched with the defaults: file system events where available and a
     * poll of the file's attributes every 250 ms, and no fallback (the file must exist when the
     * router starts). Same as {@code fileBuilder(path).build()}.
     *
     * @param path the flag file
     * @return the source, described as {@code file:<absolute path>}
     */
    public static FlagSource file(Path path) {
        return fileBuilder(path).build();
    }

    /**
     * Starts building a watched flag file source with options.
     *
     * @param path the flag file
     * @return a builder
     */
    public static FileBuilder fileBuilder(Path path) {
        return new FileBuilder(path);
    }

    /**
     * A configuration given by the program; it never changes.
     *
     * @param config the configuration
     * @return the source, described as {@code in-memory}
     */
    public static FlagSource inMemory(RouterConfig config) {
        return new StaticFlagSource("in-memory", config);
    }

    /**
     * Parses flag-file text (long or short form, docs/flag-file.md) with the same rules, limits
     * and errors as a flag file: for sources that keep the document elsewhere (e.g. in Redis).
     *
     * <p>Thread-safe: stateless.
     *
     * @param json the flag-file text
     * @param source where the text comes from, named in errors (e.g. {@code redis://host/key})
     * @return the configuration
     * @throws ConfigException if the text is not a valid flag file (naming the source, the JSON
     *     pointer and the bad value)
     * @throws NullPointerException if an argument is null
     */
    public static RouterConfig parse(String json, String source) {
        return FlagFileParser.parse(Objects.requireNonNull(json, "json"),
                Objects.requireNonNull(source, "source"));
    }

    /**
     * Writes a configuration as a canonical long-form flag file (docs/flag-file.md): fields in
     * the documented order, set values sorted, defaults that carry no information left out,
     * two-space indentation, {@code \n} line ends. Equal configurations give equal text, and
     * reading the text back (e.g. {@link #inMemory} of a parsed file, or {@link #file}) gives an
     * equal configuration. This is the writer the router itself uses for audit entries.
     *
     * <p>Thread-safe: stateless.
     *
     * @param config the configuration
     * @return the flag file text, ending with a line end
     * @throws NullPointerException if config is null
     */
    public static String toJson(RouterConfig config) {
        return FlagFileWriter.toJson(Objects.requireNonNull(config, "config"));
    }

    /**
     * Builds a watched flag file source.
     *
     * <p>{@link FlagSource#load()} reads the file; {@link FlagSource#watch} starts one daemon
     * thread named {@code release-router-flag-watcher} that reloads the file when it changes
     * (a new configuration takes effect within a second of the write). Content that is invalid,
     * truncated or gone is reported once to the listener's {@code onError} and logged once as a
     * warning; the router keeps its last good configuration. {@link FlagSource#close()} stops the
     * thread and closes the fallback.
     *
     * <p>A file larger than {@link #maxSize(long)} (16 MiB by default) is refused before it is
     * read: at start {@code load()} fails, later the change is reported as an error and the last
     * good configuration stays.
     *
     * <p>Not thread-safe; the source it builds is.
     */
    public static final class FileBuilder {
        private final Path path;
        private Duration pollInterval = WatchedFileFlagSource.DEFAULT_POLL_INTERVAL;
        private @Nullable FlagSource fallback;
        private long maxSize = DEFAULT_MAX_SIZE;

        private FileBuilder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * How often the file's attributes (modified time, size, file key, read through
         * symlinks) are compared, for file systems without change events; default 250 ms.
         *
         * @param interval a positive duration, at most 1 second to keep the reload guarantee
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public FileBuilder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "pollInterval must be positive, but was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * The source {@code load()} reads when the file does not exist at start, typically
         * {@link FlagSources#classpath(String)}; the file is still watched and loaded when it
         * appears. Without a fallback a missing file fails {@code load()}. An invalid file never
         * falls back: it fails {@code load()}.
         *
         * @param fallback the fallback source, or null for none
         * @return this builder
         */
        public FileBuilder fallback(@Nullable FlagSource fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * The largest flag file, in bytes, the source reads; default {@link #DEFAULT_MAX_SIZE}
         * (16 MiB). The size is checked before the file is read into memory; a larger file is
         * refused with a {@link ConfigException} naming the file, its size and the limit. Keep
         * the limit near what the file needs: applying a file takes time in proportion to its
         * size (47 ms for 2.4 MB, 1.3 s for 16.7 MB in docs/benchmarks.md), and hot reload
         * promises one second.
         *
         * @param bytes a positive number of bytes
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public FileBuilder maxSize(long bytes) {
            this.maxSize = requireMaxSize(bytes);
            return this;
        }

        /** @return the watched file source, described as {@code file:<absolute path>} */
        public FlagSource build() {
            return new WatchedFileFlagSource(path, pollInterval, fallback, true, maxSize);
        }
    }
}
