package dev.releaserouter.redis.testing;

import dev.releaserouter.core.testing.ServerProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process for tests: started on a free loopback port in a temporary
 * directory, without persistence, and stopped (or killed) by the test. Never a mock or an
 * in-JVM fake: fleet mode's guarantees are about what Redis does.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     RedisURI uri = RedisURI.create(redis.uri());
 *     ...
 *     redis.stop();      // Redis down mid-run
 *     redis.restart();   // back, on the same port, empty
 * }
 * }</pre>
 *
 * <p>Needs the {@code redis-server} binary on the PATH (Debian: {@code apt-get install -y
 * redis-server}; {@code .ci/run} installs it when it is missing). Without it, a test that starts
 * a server is skipped with a message saying so, so that the README's test command works on a
 * machine with only a JDK; with the environment variable {@value #REQUIRE_ENV} set to
 * {@code true} (as {@code .ci/run} does) it fails instead. Binds 127.0.0.1 only.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class RedisServer implements AutoCloseable {

    /** Set to {@code true} to fail, rather than skip, when {@code redis-server} is missing. */
    public static final String REQUIRE_ENV = "RELEASE_ROUTER_REQUIRE_REDIS";

    /** How long a start may take before the test fails (a loaded CI machine is slow). */
    public static final Duration START_DEADLINE = Duration.ofSeconds(20);

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    /** A Sentinel's configuration file (it rewrites it), or null for a data node. */
    private final @Nullable Path sentinelConf;
    private Process process;

    private RedisServer(int port, Path dir, List<String> extraArgs, @Nullable Path sentinelConf) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.sentinelConf = sentinelConf;
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @param extraArgs more {@code redis-server} arguments, e.g. {@code "--maxmemory", "10mb"}
     * @return the running server
     * @throws IllegalStateException if {@code redis-server} is not installed or does not answer
     *     PING within {@link #START_DEADLINE}
     */
    public static RedisServer start(String... extraArgs) {
        requireInstalled();
        try {
            Path dir = Files.createTempDirectory("release-router-redis");
            RedisServer server = new RedisServer(ServerProcess.freePort(), dir,
                    List.of(extraArgs), null);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a Redis Sentinel ({@code redis-server <conf> --sentinel}) on a free loopback port,
     * monitoring one primary with quorum 1 (it alone decides a failover).
     *
     * @param master the name clients ask for (the {@code #master} of a Sentinel URI)
     * @param primaryPort the primary's loopback port
     * @param downAfter how long the primary must not answer before it is considered down
     *     ({@code down-after-milliseconds})
     * @param configLines more lines for the configuration file (e.g. {@code sentinel
     *     failover-timeout <master> 5000})
     * @return the running Sentinel (its {@link #command} speaks the Sentinel commands)
     * @throws IllegalStateException if it does not answer PING within {@link #START_DEADLINE}
     */
    public static RedisServer startSentinel(String master, int primaryPort, Duration downAfter,
            String... configLines) {
        requireInstalled();
        try {
            Path dir = Files.createTempDirectory("release-router-sentinel");
            int port = ServerProcess.freePort();
            List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1",
                    "dir " + dir, "sentinel monitor " + master + " 127.0.0.1 " + primaryPort
                            + " 1",
                    "sentinel down-after-milliseconds " + master + " " + downAfter.toMillis()));
            lines.addAll(List.of(configLines));
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n", lines) + "\n");
            RedisServer sentinel = new RedisServer(port, dir, List.of(), conf);
            sentinel.launch();
            return sentinel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireInstalled() {
        ServerProcess.require("redis-server", REQUIRE_ENV, "Debian: apt-get install -y"
                + " redis-server", "a fleet-mode test that needs a real Redis");
    }

    /** @return the loopback port */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return whether the process is running */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the server gracefully (SIGTERM) and waits for it: "Redis down". Idempotent. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit();
    }

    /** Kills the server (SIGKILL), as a crash would. Idempotent. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * Starts the server again on the same port, empty (no persistence): "Redis restarted empty".
     *
     * @throws IllegalStateException if it is running, or does not answer in time
     */
    public void restart() {
        if (running()) {
            throw new IllegalStateException("redis-server is still running on port " + port);
        }
        launch();
    }

    /**
     * Sends one command over a raw RESP connection (for tests that must act on Redis without the
     * code under test, e.g. {@code DEBUG SLEEP} or {@code FLUSHALL}).
     *
     * @param args the command and its arguments
     * @return the server's whole reply, raw (RESP)
     */
    public String command(String... args) {
        StringBuilder raw = new StringBuilder();
        exchange(args, raw);
        return raw.toString();
    }

    /**
     * Sends one command over a raw RESP connection and parses the reply.
     *
     * @param args the command and its arguments
     * @return the reply: a {@code String} (simple or bulk string; an error as {@code "-ERR
     *     ..."}), a {@code Long}, a {@code List<Object>} (an array), or null (a null reply)
     */
    public @Nullable Object query(String... args) {
        return exchange(args, new StringBuilder());
    }

    private @Nullable Object exchange(String[] args, StringBuilder raw) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(30_000);
            StringBuilder resp = new StringBuilder().append('*').append(args.length)
                    .append("\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                resp.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            return readReply(in, raw);
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on port " + port + ": " + e, e);
        }
    }

    /** Reads one whole RESP2 reply (nested arrays included), appending its raw text. */
    private static @Nullable Object readReply(InputStream in, StringBuilder raw)
            throws IOException {
        String line = readLine(in);
        raw.append(line).append("\r\n");
        if (line.isEmpty()) {
            throw new IOException("empty RESP line");
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+':
                return rest;
            case '-':
                return line;
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n + 2);
                if (b.length < n + 2) {
                    throw new EOFException("truncated bulk string");
                }
                String v = new String(b, 0, n, StandardCharsets.UTF_8);
                raw.append(v).append("\r\n");
                return v;
            }
            case '*': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readReply(in, raw));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) {
                    return ""; // the server closed without a reply
                }
                throw new EOFException("connection closed mid-line");
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            b.write(c);
            prev = c;
        }
    }

    /** @return what the process wrote to its log (stdout and stderr) so far, for diagnostics */
    public String log() {
        return ServerProcess.read(dir.resolve("redis.log"));
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        kill();
        ServerProcess.deleteTree(dir);
    }

    private void launch() {
        List<String> cmd = sentinelConf != null
                ? new ArrayList<>(List.of("redis-server", sentinelConf.toString(), "--sentinel"))
                : new ArrayList<>(List.of("redis-server",
                        "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                        "--daemonize", "no", "--protected-mode", "yes",
                        "--loglevel", "warning"));
        cmd.addAll(extraArgs);
        process = ServerProcess.start(cmd, dir, "redis.log", START_DEADLINE,
                () -> command("PING").startsWith("+PONG"));
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(START_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether a {@code redis-server} executable is on the PATH */
    public static boolean installed() {
        return ServerProcess.onPath("redis-server");
    }
}
