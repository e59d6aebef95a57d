package dev.releaserouter.governance.release;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.testing.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing (issue 12): a release manifest, random or mutated from a valid one, either parses or
 * throws {@link ConfigException}, within 2 s and 64 MB per input; never another Throwable.
 */
class ReleaseManifestFuzzProperties {

    static final String SEED = """
            {
              "model": "risk-default",
              "version": "v2.3.0",
              "artifact_digest": "sha256:357e5d6fafa34d27360fec24b4326d3534905e33c6acdee60198fb\
            078b7b79e5",
              "policy_digest": "cfe0579c633e37449f04c61694f7850c660e524d83cb3ac2e73862b871c1777a",
              "canary": {"strategy": "5%→25%→100%", "window_min": 30},
              "rollback": {"to_version": "v2.2.4", "alias": "production"},
              "approvals": {"security": "maria.s", "product": "raphael.f"},
              "tickets": {"change": "CHG-10234", "incidents": ["INC-1"]},
              "change_type": "normal"
            }
            """;

    static Path dir;

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("manifest-fuzz");
    }

    @AfterContainer
    static void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Provide
    Arbitrary<byte[]> manifests() {
        return Fuzz.around(SEED);
    }

    @Property(tries = 1500)
    void parse_anyInput_parsesOrThrowsConfigException(@ForAll("manifests") byte[] input) {
        Fuzz.bounded(input, () -> ReleaseManifest.parse(input, "fuzz:manifest"),
                ConfigException.class);
    }

    @Property(tries = 200)
    void load_anyFile_loadsOrThrowsConfigException(@ForAll("manifests") byte[] input)
            throws IOException {
        Path file = dir.resolve("release_manifest.json");
        Files.write(file, input);
        Fuzz.bounded(input, () -> ReleaseManifest.load(file), ConfigException.class,
                UncheckedIOException.class);
    }

    @Property(tries = 1)
    void seed_parses() {
        ReleaseManifest.parse(SEED.getBytes(UTF_8), "fuzz:seed");
    }
}
