package dev.releaserouter.benchmarks;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * A one-off measurement of how long {@code JsonlAuditSink.open} takes on a long log: it writes a
 * hash-chained log of realistic entries (default 1,000,000, about 400 bytes each) straight through
 * the wire codec, then times, three times each, {@code open} with the whole-chain check (the
 * default), {@code open} checking only the last entry, and {@code verify}, and prints the median.
 * The first read of each kind is a warm-up (and fills the page cache), so the figures are for a
 * log in the page cache; a cold read adds the disk's sequential read time.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -cp
 * router-benchmarks/target/benchmarks.jar dev.releaserouter.benchmarks.AuditOpenTime [entries]}.
 * Measured: see {@code docs/benchmarks.md} ("Opening a long audit log").
 */
public final class AuditOpenTime {

    private AuditOpenTime() {}

    /**
     * Writes the log, measures, prints, deletes the log.
     *
     * @param args optionally the number of entries
     * @throws IOException if the temporary log cannot be written
     */
    public static void main(String[] args) throws IOException {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("audit-open");
        Path log = dir.resolve("audit.jsonl");
        try {
            write(log, entries);
            System.out.printf(Locale.ROOT, "%,d entries, %,d bytes%n", entries, Files.size(log));
            for (int warmup = 0; warmup < 1; warmup++) {
                JsonlAuditSink.verify(log);
            }
            double whole = median(() -> JsonlAuditSink.open(log).close());
            double last = median(() -> JsonlAuditSink.open(log,
                    JsonlAuditSink.OpenCheck.LAST_ENTRY).close());
            double verify = median(() -> {
                AuditVerification v = JsonlAuditSink.verify(log);
                if (!v.ok() || v.entries() != entries) {
                    throw new IllegalStateException(v.toString());
                }
            });
            System.out.printf(Locale.ROOT, "open (WHOLE_CHAIN): %.2f s%n", whole);
            System.out.printf(Locale.ROOT, "open (LAST_ENTRY):  %.4f s%n", last);
            System.out.printf(Locale.ROOT, "verify:             %.2f s%n", verify);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }

    private static double median(Runnable run) {
        double[] seconds = new double[3];
        for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[1];
    }

    private static void write(Path log, int entries) throws IOException {
        Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
        String prev = AuditEntryCodec.GENESIS_HASH;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log), 1 << 20)) {
            for (int n = 1; n <= entries; n++) {
                AuditEvent event = new AuditEvent(t0.plusSeconds(n), "ops@example.com",
                        "weight.set", "churn/v2", "{\"v2\":" + (n % 10_000) + "}",
                        "{\"v2\":" + ((n + 1) % 10_000) + "}",
                        "ramp step " + n + " after a clean canary window", "CHG-" + n, n);
                String body = AuditEntryCodec.body(n, event, prev);
                String hash = AuditEntryCodec.sha256Hex(body);
                out.write(AuditEntryCodec.line(body, hash));
                prev = hash;
            }
        }
    }
}
