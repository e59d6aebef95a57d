package dev.releaserouter.prometheus.testing;

import dev.releaserouter.core.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code prometheus} process for tests: started on a free loopback port in a temporary
 * directory with a generated {@code prometheus.yml} (scrape and rule evaluation every second,
 * one job scraping the given loopback targets), and killed by the test. Never a mock or an
 * in-JVM fake: the gates, alert rules and dashboards are checked against what Prometheus does.
 *
 * <pre>{@code
 * try (MeterEndpoint app = MeterEndpoint.start(registry);
 *         PrometheusServer prometheus = PrometheusServer.start(List.of(app.target()), List.of())) {
 *     Polling.await(() -> prometheus.query("up").contains("\"1\""));
 *     String json = prometheus.query("up");
 * }
 * }</pre>
 *
 * <p>Needs the {@code prometheus} binary on the PATH (Debian: {@code apt-get install -y
 * prometheus}, which also brings {@code promtool}; {@code .ci/run} installs it when missing).
 * Without it a test that starts a server is skipped with a message saying so, so that the
 * README's test command works on a machine with only a JDK; with the environment variable
 * {@value #REQUIRE_ENV} set to {@code true} (as {@code .ci/run} does) it fails instead. Binds
 * 127.0.0.1 only.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class PrometheusServer implements AutoCloseable {

    /** Set to {@code true} to fail, rather than skip, when {@code prometheus} is missing. */
    public static final String REQUIRE_ENV = "RELEASE_ROUTER_REQUIRE_PROMETHEUS";

    /** How long a start may take before the test fails (a loaded CI machine is slow). */
    public static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final Path dir;
    private Process process;

    private PrometheusServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /**
     * Skips the calling test (or fails it, with {@value #REQUIRE_ENV}{@code =true}) when a
     * binary is not on the PATH.
     *
     * @param binary {@code prometheus} or {@code promtool}
     */
    public static void requireInstalled(String binary) {
        ServerProcess.require(binary, REQUIRE_ENV, "Debian: apt-get install -y prometheus, which"
                + " brings promtool", "a test that needs a real Prometheus");
    }

    /**
     * Starts a server scraping the targets every second and evaluating the rule files every
     * second.
     *
     * @param targets {@code host:port} of loopback endpoints serving {@code /metrics}
     * @param ruleFiles alert or recording rule files to load (checked by Prometheus at start)
     * @return the running server
     * @throws IllegalStateException if {@code prometheus} is not installed (with
     *     {@value #REQUIRE_ENV}) or does not become ready within {@link #START_DEADLINE}
     */
    public static PrometheusServer start(List<String> targets, List<Path> ruleFiles) {
        requireInstalled("prometheus");
        try {
            Path dir = Files.createTempDirectory("release-router-prometheus");
            StringBuilder yml = new StringBuilder()
                    .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
                    .append("  scrape_timeout: 1s\n");
            if (!ruleFiles.isEmpty()) {
                yml.append("rule_files:\n");
                for (Path r : ruleFiles) {
                    yml.append("  - '").append(r.toAbsolutePath()).append("'\n");
                }
            }
            yml.append("scrape_configs:\n  - job_name: router\n    metrics_path: /metrics\n")
                    .append("    static_configs:\n      - targets: [");
            for (int i = 0; i < targets.size(); i++) {
                yml.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
            }
            yml.append("]\n");
            Files.writeString(dir.resolve("prometheus.yml"), yml);
            PrometheusServer server = new PrometheusServer(ServerProcess.freePort(), dir);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the loopback port */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Runs an instant query through the HTTP API.
     *
     * @param promql the query
     * @return the raw JSON answer (the status code is not checked)
     */
    public String query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /**
     * @param pathAndQuery e.g. {@code /api/v1/rules}
     * @return the answer's body
     */
    public String get(String pathAndQuery) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create(uri() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus on port " + port + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(START_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServerProcess.deleteTree(dir);
    }

    private void launch() {
        process = ServerProcess.start(List.of("prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"), dir, "prometheus.log", START_DEADLINE, this::ready);
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(uri() + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException notYet) {
            throw new UncheckedIOException(notYet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting prometheus", e);
        }
    }

    /** @return what the server logged so far */
    public String log() {
        return ServerProcess.read(dir.resolve("prometheus.log"));
    }

    /**
     * @return a port nothing listens on now, on the loopback interface
     */
    public static int freePort() {
        return ServerProcess.freePort();
    }
}
