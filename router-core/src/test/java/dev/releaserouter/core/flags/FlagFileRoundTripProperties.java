package dev.releaserouter.core.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.flags.internal.FlagFileWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/** The canonical writer and the parser agree on every valid configuration. */
class FlagFileRoundTripProperties {

    private static final List<String> SEGMENT_VALUES =
            List.of("vip_retail", "regulated_fx", "BR", "LATAM", "web", "São Paulo");

    @Property(tries = 500)
    void parseOfToJson_isTheSameConfig(@ForAll("configs") RouterConfig config) {
        String json = FlagFileWriter.toJson(config);

        assertThat(FlagFileParser.parse(json, "round-trip")).isEqualTo(config);
    }

    @Property(tries = 200)
    void toJson_isAFixedPoint_ofParse(@ForAll("configs") RouterConfig config) {
        String json = FlagFileWriter.toJson(config);

        assertThat(FlagFileWriter.toJson(FlagFileParser.parse(json, "round-trip")))
                .isEqualTo(json);
    }

    @Property(tries = 200)
    void toJsonOfAModel_parsesBackUnderModels(@ForAll("models") ModelConfig model) {
        String file = "{\"models\": {" + quote(model.name()) + ": " + FlagFileWriter.toJson(model)
                + "}}";

        assertThat(FlagFileParser.parse(file, "model").model(model.name())).isEqualTo(model);
    }

    // ---------------------------------------------------------------- arbitraries

    @Provide
    Arbitrary<RouterConfig> configs() {
        Arbitrary<List<ModelConfig>> models =
                models().list().ofMaxSize(3).uniqueElements(ModelConfig::name);
        Arbitrary<KillSwitches> globalKills = Combinators.combine(Arbitraries.of(true, false),
                        values(), values())
                .as((all, tenants, channels) -> KillSwitches.of(all, Set.of(), tenants, channels));
        return Combinators.combine(models, globalKills).as((list, kills) -> {
            RouterConfig.Builder b = RouterConfig.builder().globalKills(kills);
            list.forEach(b::model);
            return b.build();
        });
    }

    @Provide
    Arbitrary<ModelConfig> models() {
        Arbitrary<List<VersionSpec>> versions =
                versionSpecs().list().ofMinSize(1).ofMaxSize(4).uniqueElements(VersionSpec::id);
        Arbitrary<KillSpec> kills = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 15), values(), values()).as(KillSpec::new);
        return Combinators.combine(tokens(), tokens().injectNull(0.5), versions,
                        Arbitraries.integers().between(0, 3), Arbitraries.of(true, false),
                        segments(), segments(), kills)
                .as(FlagFileRoundTripProperties::model);
    }

    private static ModelConfig model(String name, @Nullable String salt,
            List<VersionSpec> specs, int stableIndex, boolean explicitStableWeight,
            Segments deny, Segments allow, KillSpec killSpec) {
        String stable = specs.get(stableIndex % specs.size()).id();
        int candidates = specs.size() - 1;
        ModelConfig.Builder b = ModelConfig.builder(name).stableVersion(stable)
                .deny(deny).allow(allow);
        if (salt != null) {
            b.salt(salt);
        }
        for (VersionSpec s : specs) {
            VersionConfig.Builder v = VersionConfig.builder(s.id()).artifactDigest(s.digest());
            if (!s.id().equals(stable)) {
                v.stage(s.stage()).budget(s.budget());
                if (s.reserveShare() != null) {
                    // Declared reserves add up to at most 100%.
                    v.reserveBasisPoints(s.reserveShare() / candidates);
                }
            }
            b.version(v.build());
        }
        // Weights within the effective reserves, which the model computes.
        ModelConfig reserves = b.build();
        int sum = 0;
        Set<String> killed = new LinkedHashSet<>();
        int bit = 0;
        for (VersionSpec s : specs) {
            if (s.id().equals(stable)) {
                continue;
            }
            int weight = reserves.effectiveReserveBasisPoints(s.id()) * s.weightShare() / 100;
            sum += weight;
            b.version(reserves.version(s.id()).toBuilder().weightBasisPoints(weight).build());
            if ((killSpec.versionMask() & (1 << bit++)) != 0) {
                killed.add(s.id());
            }
        }
        if (explicitStableWeight) {
            b.version(reserves.version(stable).toBuilder()
                    .weightBasisPoints(Weights.BUCKETS - sum).build());
        }
        b.kills(KillSwitches.of(killSpec.all(), killed, killSpec.tenants(), killSpec.channels()));
        return b.build();
    }

    private static Arbitrary<VersionSpec> versionSpecs() {
        Arbitrary<String> digest = Arbitraries.strings().withChars("0123456789abcdef")
                .ofLength(8).map(h -> "sha256:" + h).injectNull(0.5);
        return Combinators.combine(tokens(), Arbitraries.of(Stage.class),
                        Arbitraries.integers().between(0, Weights.BUCKETS).injectNull(0.5),
                        Arbitraries.integers().between(0, 100), digest, budgets().injectNull(0.6))
                .as(VersionSpec::new);
    }

    private static Arbitrary<ExposureBudget> budgets() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, 1_000_000_000L).injectNull(0.4),
                        Arbitraries.longs().between(1, 10_000_000L).injectNull(0.5),
                        Arbitraries.doubles().between(0, 1).injectNull(0.5))
                .as((max, windowSeconds, share) -> {
                    ExposureBudget.Builder b = ExposureBudget.builder();
                    if (max != null || share == null) {
                        b.maxRequests(max != null ? max : 0);
                        if (windowSeconds != null) {
                            b.window(Duration.ofSeconds(windowSeconds));
                        }
                    }
                    if (share != null) {
                        b.maxValueShare(share);
                    }
                    return b.build();
                });
    }

    private static Arbitrary<Segments> segments() {
        return Combinators.combine(values(), values(), values(), values())
                .as((tenants, regions, channels, products) -> {
                    Map<Dimension, Set<String>> map = new EnumMap<>(Dimension.class);
                    map.put(Dimension.TENANT, tenants);
                    map.put(Dimension.REGION, regions);
                    map.put(Dimension.CHANNEL, channels);
                    map.put(Dimension.PRODUCT, products);
                    return Segments.of(map);
                });
    }

    private static Arbitrary<Set<String>> values() {
        return Arbitraries.subsetOf(SEGMENT_VALUES);
    }

    /** Names with characters that need escaping in JSON strings and in JSON pointers. */
    private static Arbitrary<String> tokens() {
        return Arbitraries.strings().withChars("abz09_-./~:\"\\ é").ofMinLength(1)
                .ofMaxLength(8).filter(t -> !t.isBlank());
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private record VersionSpec(String id, Stage stage, @Nullable Integer reserveShare,
            int weightShare, @Nullable String digest, @Nullable ExposureBudget budget) {}

    private record KillSpec(boolean all, int versionMask, Set<String> tenants,
            Set<String> channels) {}
}
