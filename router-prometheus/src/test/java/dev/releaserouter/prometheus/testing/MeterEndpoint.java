package dev.releaserouter.prometheus.testing;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test process's scrape endpoint: a loopback HTTP server answering {@code GET /metrics}
 * with {@link PrometheusMeterRegistry#scrape()}, as a serving application exposes the router's
 * meters (Spring Boot's {@code /actuator/prometheus} does the same). Closed by the test.
 *
 * <p>Thread-safe: the registry's scrape is; the server runs one thread.
 */
public final class MeterEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong scrapes = new AtomicLong();

    private MeterEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param registry the registry whose meters to serve
     * @return the running endpoint on a free loopback port
     */
    public static MeterEndpoint start(PrometheusMeterRegistry registry) {
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "meter-endpoint");
                t.setDaemon(true);
                return t;
            });
            MeterEndpoint endpoint = new MeterEndpoint(server, executor);
            server.createContext("/metrics", exchange -> {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type",
                        "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                endpoint.scrapes.incrementAndGet();
            });
            server.setExecutor(executor);
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code 127.0.0.1:<port>}, a scrape target */
    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return how many times {@code /metrics} was served */
    public long scrapes() {
        return scrapes.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
