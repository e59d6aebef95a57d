package dev.releaserouter.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the real-server fixtures (router-redis's {@code RedisServer}, router-prometheus's
 * {@code PrometheusServer}) share: finding the binary, a free loopback port, starting the process
 * in its directory with its log there and waiting until it answers, deleting the directory.
 */
public final class ServerProcess {

    private ServerProcess() {}

    /**
     * @param binary an executable's name
     * @return whether it is on the PATH
     */
    public static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips the calling test when a binary is not on the PATH, or fails it when the environment
     * variable {@code requireEnv} is {@code true} (as {@code .ci/run} sets it).
     *
     * @param binary the executable
     * @param requireEnv e.g. {@code RELEASE_ROUTER_REQUIRE_REDIS}
     * @param install how to install it, for the message
     * @param skipping what is skipped, for the message
     */
    public static void require(String binary, String requireEnv, String install,
            String skipping) {
        if (onPath(binary)) {
            return;
        }
        String why = binary + " is not on the PATH (" + install + "; .ci/run installs it)";
        if ("true".equalsIgnoreCase(System.getenv(requireEnv))) {
            throw new IllegalStateException(why + " and " + requireEnv + "=true");
        }
        Assumptions.abort(why + ": skipping " + skipping);
    }

    /**
     * @return a port nothing listens on now, on the loopback interface
     * @throws UncheckedIOException if none can be found
     */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server process in {@code dir}, its output in {@code dir/log}, and polls
     * {@code ready} (which may throw {@link UncheckedIOException} while the server is not
     * listening yet) until it holds.
     *
     * @param cmd the command
     * @param dir the working directory
     * @param log the log file's name in dir
     * @param deadline how long the start may take
     * @param ready whether the server answers
     * @return the running process
     * @throws IllegalStateException if it cannot start, exits, or is not ready in time (with
     *     its log)
     */
    public static Process start(List<String> cmd, Path dir, String log, Duration deadline,
            BooleanSupplier ready) {
        Process process;
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(log).toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.get(0) + " (is it installed? "
                    + ".ci/run installs it): " + e, e);
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(cmd.get(0) + " exited with "
                        + process.exitValue() + ": " + read(dir.resolve(log)));
            }
            try {
                if (ready.getAsBoolean()) {
                    return process;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(20); // polling for readiness, not for correctness
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while starting " + cmd.get(0), e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(cmd.get(0) + " was not ready within " + deadline + ": "
                + read(dir.resolve(log)));
    }

    /**
     * @param file a log file
     * @return its content, or why it has none
     */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Deletes a directory and everything in it, as far as it can (a temporary directory left
     * behind is harmless).
     *
     * @param dir the directory
     */
    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
