package dev.releaserouter.samples.quickstart;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routes a synthetic stream of 100,000 churn-scoring requests through a 5% canary (flag file
 * {@code flags.json} on the classpath: VIP and regulated tenants denied, canary only in BR and
 * LATAM), prints the split and the reasons, flips the kill switch, and prints the audit trail.
 */
public final class QuickstartDemo {

    private static final String[] TENANTS = {
        "retail-br", "retail-mx", "sme-br", "vip_retail", "regulated_fx", "marketplace"
    };
    private static final String[] REGIONS = {"BR", "BR", "LATAM", "US", "EU"};

    private QuickstartDemo() {}

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws Exception if the temporary audit file cannot be created
     */
    public static void main(String[] args) throws Exception {
        Path auditFile = Files.createTempDirectory("release-router-demo").resolve("audit.jsonl");
        JsonlAuditSink jsonl = JsonlAuditSink.open(auditFile);
        try (Router router = ReleaseRouter.builder()
                .flagSource(FlagSources.classpath("flags.json"))
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c") // use your own secret
                .auditSink(jsonl)
                .build()) {

            System.out.println("== 100,000 requests through a 5% canary of churn v2");
            run(router, 100_000);

            ChangeContext oncall = ChangeContext.of("oncall@bank.example",
                    "v2 p95 above SLO for 3 windows", "INC-2041");
            router.admin().kill(KillTarget.model("churn"), oncall);
            System.out.println();
            System.out.println("== after the kill switch (revision " + router.configRevision()
                    + ")");
            run(router, 20_000);

            router.admin().unkill(KillTarget.model("churn"), ChangeContext.of(
                    "oncall@bank.example", "fix deployed, resume canary", "INC-2041"));
            router.admin().setWeight("churn", "v2", 2_500, ChangeContext.of(
                    "release-bot", "checkpoint passed: 5% -> 25%", "CHG-10234"));
            System.out.println();
            System.out.println("== after the ramp to 25% (revision " + router.configRevision()
                    + ")");
            run(router, 100_000);
        }

        System.out.println();
        System.out.println("== audit trail " + auditFile);
        for (AuditEvent e : JsonlAuditSink.read(auditFile)) {
            System.out.printf("  rev %d  %s  %-20s %-14s %-22s %s -> %s  (%s%s)%n",
                    e.revision(), e.time(), e.actor(), e.action(), e.target(),
                    shorten(e.before()), shorten(e.after()), e.reason(),
                    e.ticket() == null ? "" : ", " + e.ticket());
        }
        System.out.println("  chain: " + JsonlAuditSink.verify(auditFile));
    }

    private static void run(Router router, int n) {
        Map<String, Integer> versions = new TreeMap<>();
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        for (int i = 0; i < n; i++) {
            RouteRequest request = RouteRequest.builder("churn", "customer-" + i)
                    .tenant(TENANTS[i % TENANTS.length])
                    .region(REGIONS[(i / 7) % REGIONS.length])
                    .channel(i % 3 == 0 ? "app" : "web")
                    .build();
            RouteDecision d = router.decide(request);
            versions.merge(d.version(), 1, Integer::sum);
            reasons.merge(d.reason(), 1, Integer::sum);
        }
        System.out.println("  split:");
        versions.forEach((v, c) -> System.out.printf("    %-3s %7d  %6.2f%%%n", v, c,
                100.0 * c / n));
        System.out.println("  reasons:");
        reasons.forEach((r, c) -> System.out.printf("    %-24s %7d%n", r, c));
        int canary = reasons.getOrDefault(Reason.CANARY_BUCKET, 0);
        int bucketed = canary + reasons.getOrDefault(Reason.STABLE_BUCKET, 0)
                + reasons.getOrDefault(Reason.BUDGET_EXHAUSTED, 0);
        if (bucketed > 0) {
            System.out.printf("  canary share of the %d requests that reached bucketing: %.2f%%%n",
                    bucketed, 100.0 * canary / bucketed);
        }
    }

    private static String shorten(String s) {
        if (s == null) {
            return "-";
        }
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
