package dev.releaserouter.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} for a fleet benchmark: a free loopback port, a temporary
 * directory, no persistence; stopped and deleted by {@link #close()}. The same approach as
 * router-redis' test fixture, kept here so the benchmarks depend on no test jar (a copy of
 * samples/fleet's launcher).
 *
 * <p>Not thread-safe: the demo starts and stops it from its main thread.
 */
final class LocalRedis implements AutoCloseable {

    private static final long START_DEADLINE_MS = 20_000;

    private final int port;
    private final Path dir;
    private final Process process;

    private LocalRedis(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** @return the {@code redis-server} executable on the PATH, if there is one */
    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = d.isEmpty() ? null : Path.of(d, "redis-server");
            if (p != null && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts redis-server and waits (bounded) until it answers PING.
     *
     * @param executable the redis-server binary
     * @return the running server
     * @throws IllegalStateException if it exits or does not answer within 20 s
     */
    static LocalRedis start(Path executable) {
        try {
            Path dir = Files.createTempDirectory("release-router-fleet-bench");
            int port = freePort();
            Process p = new ProcessBuilder(List.of(executable.toString(),
                    "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                    "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"))
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            LocalRedis redis = new LocalRedis(port, dir, p);
            redis.awaitPing();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server: " + e, e);
        }
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with "
                        + process.exitValue() + " (log in " + dir + ")");
            }
            if (ping()) {
                return;
            }
            try {
                Thread.sleep(20); // waiting for a process to listen, not for correctness
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("redis-server did not answer PING on port " + port);
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            s.setSoTimeout(1_000);
            OutputStream out = s.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Kills the server and deletes its directory. Idempotent; never throws. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(START_DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
