package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.ShadowExecution;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Appends each shadow execution to a JSON Lines file, one {@link ShadowTelemetryJson} line per
 * execution (UTF-8, {@code \n}), flushed after each line so that a reader ({@code jq}, a log
 * shipper) sees complete lines. No rotation: point a log rotation tool at the file, or use
 * {@link Slf4jShadowTelemetrySink} and the logging backend's rotation.
 *
 * <p>Not thread-safe for {@link #record}: the router calls it from its one telemetry thread.
 * {@link #close()} is idempotent.
 */
public final class JsonlShadowTelemetrySink implements ShadowTelemetrySink {

    private final Path file;
    private final BufferedWriter out;
    private volatile boolean closed;

    /**
     * Opens (creates, or appends to) the file; its directory must exist.
     *
     * @param file the file
     * @throws UncheckedIOException if the file cannot be opened
     * @throws NullPointerException if file is null
     */
    public JsonlShadowTelemetrySink(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open shadow telemetry file " + file, e);
        }
    }

    /** @return the file written */
    public Path file() {
        return file;
    }

    /**
     * Writes one line and flushes it.
     *
     * @param execution the execution
     * @throws IOException if the write fails (the router counts it)
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public void record(ShadowExecution execution) throws IOException {
        if (closed) {
            throw new IllegalStateException("shadow telemetry file " + file + " is closed");
        }
        out.write(ShadowTelemetryJson.write(execution));
        out.write('\n');
        out.flush();
    }

    /**
     * Closes the file.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
