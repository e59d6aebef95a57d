package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.testing.Bounded;
import dev.releaserouter.core.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of rollout state files: any content either loads or throws {@link ConfigException}
 * naming the file (the documented {@code IllegalArgumentException}), within 2 s and 64 MB;
 * never another throwable. Inputs: a valid state with random edits, deep nesting, random
 * strings and random bytes (not UTF-8).
 */
class RolloutStateFuzzProperties {

    private static Path dir;
    private static FileRolloutStateStore store;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("rollout-state-fuzz");
        store = new FileRolloutStateStore(dir);
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    static final List<String> SEEDS = List.of(
            RolloutJson.state(new RolloutState("churn", "v2", 1,
                    Instant.parse("2026-01-01T00:10:00Z"), RolloutStatus.RUNNING, "abc123")),
            RolloutJson.state(new RolloutState("churn", "v2", 3,
                    Instant.parse("2026-01-01T00:10:00.123Z"), RolloutStatus.ROLLED_BACK,
                    "0f".repeat(32))));

    @Provide
    Arbitrary<byte[]> contents() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Mutations.mutated(SEEDS).map(RolloutStateFuzzProperties::utf8)),
                Tuple.of(1, Mutations.deep("[", "1", "]").map(RolloutStateFuzzProperties::utf8)),
                Tuple.of(1, Mutations.deep("{\"model\":", "1", "}")
                        .map(RolloutStateFuzzProperties::utf8)),
                Tuple.of(2, Mutations.random().map(RolloutStateFuzzProperties::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(500)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 1000)
    void stateFile_loadsOrThrowsConfigExceptionNamingTheFile(@ForAll("contents") byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Throwable t = Bounded.run(text, () -> {
            Files.write(store.stateFile("churn"), bytes);
            store.load("churn");
        });
        Bounded.nothingOr(text, t, ConfigException.class);
        if (t instanceof ConfigException e) {
            assertThat(e.source()).isEqualTo(store.stateFile("churn").toString());
        }
    }

    @Example
    void aTooLargeStateFile_isRejectedWithoutReadingIt() throws IOException {
        byte[] big = new byte[2 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        Files.write(store.stateFile("churn"), big);
        Throwable t = Bounded.run("2 MB of spaces", () -> store.load("churn"));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessageContaining("1048576");
    }

    @Example
    void wrongTypes_areLocatedErrors() {
        for (String[] c : new String[][] {
                {"{\"model\":\"churn\",\"candidate\":\"v2\",\"stage_index\":\"1\","
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/stage_index"},
                {"{\"model\":\"churn\",\"candidate\":\"v2\",\"stage_index\":1.5,"
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/stage_index"},
                {"{\"model\":\"churn\",\"candidate\":\"v2\",\"stage_index\":2147483648,"
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/stage_index"},
                {"{\"model\":\"churn\",\"candidate\":\"v2\",\"stage_index\":1,"
                        + "\"checkpoint_start\":\"yesterday\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/checkpoint_start"},
                {"{\"model\":\"churn\",\"candidate\":\"v2\",\"stage_index\":1,"
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"DONE\","
                        + "\"policy_sha256\":\"a\"}", "/status"},
                {"{\"model\":{},\"candidate\":\"v2\",\"stage_index\":1,"
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/model"},
                {"{\"candidate\":\"v2\",\"stage_index\":1,"
                        + "\"checkpoint_start\":\"2026-01-01T00:10:00Z\",\"status\":\"RUNNING\","
                        + "\"policy_sha256\":\"a\"}", "/model"},
                {"[1]", ""}}) {
            try {
                Files.writeString(store.stateFile("churn"), c[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Throwable t = Bounded.run(c[0], () -> store.load("churn"));
            assertThat(t).as(c[0]).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.pointer()).isEqualTo(c[1]));
        }
    }
}
