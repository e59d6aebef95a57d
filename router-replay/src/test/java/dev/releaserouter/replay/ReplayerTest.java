package dev.releaserouter.replay;

import static dev.releaserouter.replay.eval.TestPairs.pair;
import static dev.releaserouter.replay.eval.TestPairs.scores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.core.shadow.OutputValidators;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.replay.eval.ShadowCriteria;
import dev.releaserouter.replay.eval.ShadowEvaluation;
import dev.releaserouter.replay.eval.ShadowVerdicts;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.replay.eval.ShadowMeasurements;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class ReplayerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    /** 200 score pairs, a tenth of them more than 0.02 apart; stored match uses 0.02. */
    private static List<ShadowPair> storedScores() {
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double stable = (i % 50) / 50.0;
            double candidate = stable + (i % 10 == 0 ? 0.1 : 0.01);
            pairs.add(scores(i, stable, candidate)
                    .match(Math.abs(candidate - stable) <= 0.02)
                    .stableLatencyNanos(2_000_000 + i * 1_000L)
                    .candidateLatencyNanos(2_100_000 + i * 1_000L)
                    .build());
        }
        return pairs;
    }

    /** A target that answers, for each stored input, the stored candidate output. */
    private static ReplayTarget storedCandidate(List<ShadowPair> pairs) {
        Map<Integer, JsonNode> outputs = new HashMap<>();
        for (ShadowPair p : pairs) {
            outputs.put(JSON.readTree(p.inputJson()).get("i").asInt(),
                    JSON.readTree(p.candidateOutputJson()));
        }
        return input -> outputs.get(input.get("i").asInt());
    }

    private static Replayer.Builder<JsonNode> replayer(ReplayTarget target) {
        return Replayer.<JsonNode>builder().target("v3", target).timeout(GENEROUS);
    }

    @Test
    void run_targetIdenticalToTheStoredCandidate_givesTheStoredMatchRateDeltasAndPsi() {
        List<ShadowPair> pairs = storedScores();
        Replayer<JsonNode> replayer = replayer(storedCandidate(pairs)).tolerance(0.02).build();

        ShadowMeasurements replayed = replayer.run(pairs.stream()).measurements();
        ShadowMeasurements stored = replayer.evaluateStored(pairs.stream()).measurements();

        assertThat(replayed.matchRate()).isEqualTo(stored.matchRate()).isEqualTo(0.9);
        assertThat(replayed.comparisons()).isEqualTo(stored.comparisons()).isEqualTo(200);
        assertThat(replayed.scoreDelta()).isEqualTo(stored.scoreDelta());
        assertThat(replayed.psi()).isEqualTo(stored.psi());
        assertThat(replayed.stableLatency()).isEqualTo(stored.stableLatency());
        assertThat(replayed.candidateVersion()).isEqualTo("v3");
        assertThat(stored.candidateVersion()).isEqualTo("v2");
    }

    @Test
    void run_withTheSameComparator_givesTheStoredMatchRate() {
        List<ShadowPair> pairs = storedScores();
        Replayer<Double> replayer = Replayer.<Double>builder()
                .target("v3", storedCandidate(pairs))
                .outputType(Double.class)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .timeout(GENEROUS)
                .build();

        ShadowEvaluation e = replayer.run(pairs.stream());

        assertThat(e.measurements().matches()).isEqualTo(180);
        assertThat(e.measurements().scoreDelta().n()).isEqualTo(200);
    }

    @Test
    void run_countsAThrowingTarget_asErrors_namingOnlyTheExceptionClass() {
        List<ShadowPair> pairs = storedScores();
        ReplayTarget good = storedCandidate(pairs);
        List<ShadowPair> replayed = new ArrayList<>();

        ShadowEvaluation e = replayer(input -> {
            if (input.get("i").asInt() % 25 == 0) {
                throw new IllegalStateException("secret customer data");
            }
            return good.apply(input);
        }).tolerance(0.02).build().run(pairs.stream().peek(replayed::add));

        assertThat(e.measurements().errors()).isEqualTo(8);
        assertThat(e.measurements().successes()).isEqualTo(192);
        assertThat(e.measurements().failureRate()).isEqualTo(0.04);
        assertThat(e.criterion(ShadowCriteria.FAILURE_RATE).orElseThrow().status())
                .isEqualTo(ShadowVerdicts.FAIL);
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(ShadowVerdicts.FAIL);
        assertThat(replayed).hasSize(200);
    }

    @Test
    void run_countsNaNAndInfiniteOutputs_asInvalid() {
        List<ShadowPair> pairs = List.of(pair(1).build(), pair(2).build(), pair(3).build());

        ShadowMeasurements m = replayer(input -> {
            switch (input.get("i").asInt()) {
                case 1:
                    return NODES.numberNode(Double.NaN);
                case 2:
                    return NODES.objectNode().put("score", Double.POSITIVE_INFINITY);
                default:
                    return NODES.stringNode("yes");
            }
        }).build().run(pairs.stream()).measurements();

        assertThat(m.invalidOutputs()).isEqualTo(2);
        assertThat(m.successes()).isEqualTo(1);
        assertThat(m.matches()).isEqualTo(1);
    }

    @Test
    void run_countsANullOutput_asInvalid() {
        ShadowMeasurements m = replayer(input -> null).build()
                .run(Stream.of(pair(1).build())).measurements();

        assertThat(m.invalidOutputs()).isEqualTo(1);
    }

    @Test
    void run_countsOutputsTheValidatorOrDecoderRejects_asInvalid() {
        List<ShadowPair> pairs = List.of(scores(1, 0.5, 0.5).build(),
                scores(2, 0.5, 0.5).build(), scores(3, 0.5, 0.5).build());
        Replayer<Double> replayer = Replayer.<Double>builder()
                .target("v3", input -> {
                    switch (input.get("i").asInt()) {
                        case 1:
                            return NODES.numberNode(1.5);
                        case 2:
                            return NODES.stringNode("not a number");
                        default:
                            return NODES.numberNode(0.5);
                    }
                })
                .outputType(Double.class)
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue))
                .timeout(GENEROUS)
                .build();

        ShadowMeasurements m = replayer.run(pairs.stream()).measurements();

        assertThat(m.invalidOutputs()).isEqualTo(2);
        assertThat(m.successes()).isEqualTo(1);
        assertThat(m.matchRate()).isEqualTo(1.0);
    }

    @Test
    void run_countsAHangingTarget_asTimeouts_interruptsIt_andFinishes() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        List<ShadowPair> pairs = IntStream.range(0, 6).mapToObj(i -> pair(i).build()).toList();
        Replayer<JsonNode> replayer = Replayer.<JsonNode>builder()
                .target("v3", input -> {
                    if (input.get("i").asInt() % 3 == 1) {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                            throw e;
                        }
                    }
                    return NODES.stringNode("yes");
                })
                .timeout(Duration.ofSeconds(1))
                .build();

        ShadowMeasurements m = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> replayer.run(pairs.stream())).measurements();

        assertThat(m.timeouts()).isEqualTo(2);
        assertThat(m.successes()).isEqualTo(4);
        assertThat(m.matches()).isEqualTo(4);
        assertThat(m.candidateLatency().count()).isEqualTo(4);
    }

    @Test
    void run_stopsWhenTheTargetIgnoresInterruption_insteadOfLeakingAThreadPerCall() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        List<ShadowPair> pairs = IntStream.range(0, 40).mapToObj(i -> pair(i).build()).toList();
        Replayer<JsonNode> replayer = Replayer.<JsonNode>builder()
                .target("v3", input -> {
                    started.incrementAndGet();
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException ignored) {
                            // a badly behaved model: keeps waiting
                        }
                    }
                    return NODES.stringNode("yes");
                })
                .timeout(Duration.ofMillis(20))
                .build();
        try {
            assertThatIllegalStateException()
                    .isThrownBy(() -> replayer.run(pairs.stream()))
                    .withMessageContaining("ignores interruption");
            assertThat(started.get()).isEqualTo(TimedCalls.MAX_STUCK_WORKERS);
        } finally {
            release.countDown();
        }
    }

    @Test
    void run_measuresLatencyWithTheInjectedTicker() {
        AtomicLong now = new AtomicLong();
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(pair(i).stableLatencyNanos(2_500_000).build());
        }
        Replayer<JsonNode> replayer = replayer(input -> NODES.stringNode("yes"))
                .ticker(() -> now.addAndGet(3_000_000))
                .build();

        ShadowEvaluation e = replayer.run(pairs.stream());

        assertThat(e.measurements().candidateLatency().p50Ms()).isEqualTo(3.0);
        assertThat(e.measurements().candidateLatency().p99Ms()).isEqualTo(3.0);
        assertThat(e.criterion(ShadowCriteria.P95_LATENCY_INCREASE_PCT).orElseThrow().value())
                .isEqualTo(20.0);
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(ShadowVerdicts.FAIL);
    }

    @Test
    void run_comparesJsonByValue_ignoringFieldOrder() {
        ShadowPair stored = pair(1).stableOutputJson("{\"label\":\"churn\",\"score\":1}").build();

        JsonNode reordered = JSON.readTree("{\"score\":1.0,\"label\":\"churn\"}");

        ShadowMeasurements m = replayer(input -> reordered).build().run(Stream.of(stored))
                .measurements();

        assertThat(m.matches()).isEqualTo(1);
    }

    @Test
    void run_withoutAStoredStableOutput_countsTheCallButComparesNothing() {
        ShadowPair stored = pair(1).stableOutputJson(null).build();

        ShadowMeasurements m = replayer(input -> NODES.stringNode("yes")).build()
                .run(Stream.of(stored)).measurements();

        assertThat(m.successes()).isEqualTo(1);
        assertThat(m.comparisons()).isZero();
    }

    @Test
    void run_withoutATarget_isRefused() {
        Replayer<JsonNode> replayer = Replayer.<JsonNode>builder().build();

        assertThatIllegalStateException()
                .isThrownBy(() -> replayer.run(Stream.of(pair(1).build())))
                .withMessageContaining("no target");
    }

    @Test
    void run_rejectsAStoredInputThatIsNotJson() {
        ShadowPair broken = pair(1).inputJson("{not json").build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> replayer(input -> input).build().run(Stream.of(broken)))
                .withMessageContaining("is not valid JSON");
    }

    @Test
    void evaluateStored_judgesTheStoredOutputs_withoutATarget() {
        List<ShadowPair> pairs = storedScores();

        ShadowEvaluation e = Replayer.<JsonNode>builder()
                .criteria(ShadowCriteria.builder().minMatchRate(0.9).build())
                .build()
                .evaluateStored(pairs.stream());

        assertThat(e.measurements().matchRate()).isEqualTo(0.9);
        assertThat(e.criterion(ShadowCriteria.MATCH_RATE).orElseThrow().status())
                .isEqualTo(ShadowVerdicts.PASS);
        assertThat(e.measurements().candidateVersion()).isEqualTo("v2");
    }

    @Test
    void build_refusesAComparatorWithoutADecoder() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Replayer.<Number>builder()
                        .comparator(ShadowComparators.score(0.1)).build())
                .withMessageContaining("needs a decoder");
    }

    @Test
    void builder_rejectsBadSettings_namingThem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Replayer.builder().timeout(Duration.ZERO))
                .withMessage("timeout must be positive, but was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Replayer.builder().tolerance(-1))
                .withMessage("tolerance must be a finite number >= 0, but was -1.0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Replayer.builder().target(" ", input -> input))
                .withMessage("target version must be non-blank, but was ' '");
    }
}
