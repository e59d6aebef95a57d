package dev.releaserouter.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.Slf4jAuditSink;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.replay.masking.Masker;
import dev.releaserouter.replay.masking.MaskingRules;
import dev.releaserouter.replay.store.JsonlPairStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No raw PII from a request reaches the pair store or the logs, end to end through route(). */
class ShadowPiiTest {

    static final String EMAIL = "maria.silva@example.com.br";
    static final String CPF = "529.982.247-25";
    static final String CARD = "4111 1111 1111 1111";
    static final String CUSTOMER = "customer-8472-maria";

    record Application(String customerId, String email, String document, String card,
            double income) {}

    @TempDir
    Path dir;

    @Test
    void routedRequestsWithPii_leaveNoRawPiiInStoredPairsOrLogs() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        Path pairs = dir.resolve("pairs");
        try {
            Masker masker = MaskingRules.builder(new byte[32]).hash("customerId").build();
            JsonlPairStore store = JsonlPairStore.builder(pairs).build();
            ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                    .version(VersionConfig.builder("v1").build())
                    .version(VersionConfig.builder("v2").build())
                    .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                    .build();
            Router router = ReleaseRouter.builder()
                    .config(RouterConfig.builder().model(churn).build())
                    .auditSink(new Slf4jAuditSink())
                    .hashSecretHex(Configs.SECRET)
                    .shadow(ShadowSettings.builder().timeout(Duration.ofSeconds(10))
                            .pairStore(store, masker).build())
                    .build();
            RoutedModel<Application, Map<String, Object>> m = router.bind(
                    ModelBinding.<Application, Map<String, Object>>builder("churn")
                            .version("v1", a -> Map.of("score", 0.4, "contact", a.email()))
                            .version("v2", a -> {
                                if (a.income() < 0) {
                                    throw new IllegalStateException("bad " + a.email() + " "
                                            + a.document());
                                }
                                return Map.of("score", 0.41, "contact", a.email(),
                                        "note", "call " + a.document());
                            })
                            .build());
            for (int i = 0; i < 20; i++) {
                Application a = new Application(CUSTOMER, EMAIL, CPF, CARD, i % 2 == 0 ? 1 : -1);
                m.route(RouteRequest.builder("churn", CUSTOMER).tenant("retail-br").build(), a);
            }
            router.close(); // flushes the store
        } finally {
            System.setErr(originalErr);
        }

        String stored = readAll(pairs);
        List<ShadowPair> read;
        try (Stream<ShadowPair> s = JsonlPairStore.read(pairs)) {
            read = s.collect(Collectors.toList());
        }
        assertThat(read).hasSize(20);
        String log = logs.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the logs were captured").contains("config.load");
        for (String raw : List.of(EMAIL, CPF, CARD, CUSTOMER, "52998224725",
                "4111111111111111")) {
            assertThat(stored).as("stored pairs").doesNotContain(raw);
            assertThat(log).as("logs").doesNotContain(raw);
        }
        assertThat(stored).contains("[EMAIL]").contains("[CPF]").contains("[CARD]");
        assertThat(read).allSatisfy(p -> assertThat(p.entityKeyHash()).hasSize(64));
    }

    private static String readAll(Path pairs) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(pairs)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                try (InputStream in = f.toString().endsWith(".gz")
                        ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
                    sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return sb.toString();
    }
}
