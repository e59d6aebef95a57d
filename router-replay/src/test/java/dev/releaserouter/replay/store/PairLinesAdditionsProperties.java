package dev.releaserouter.replay.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowPair;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.WithNull;

/** Any segments and violations survive the line format unchanged. */
class PairLinesAdditionsProperties {

    @Provide
    Arbitrary<List<PolicyViolation>> violations() {
        Arbitrary<PolicyViolation> one = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12),
                Arbitraries.of(PolicyViolation.Severity.class))
                .as(PolicyViolation::new);
        return one.list().ofMaxSize(5).injectNull(0.3);
    }

    @Property(tries = 300)
    void encodeThenDecode_givesTheSamePair(
            @ForAll @WithNull(0.3) String tenant,
            @ForAll @WithNull(0.3) String region,
            @ForAll @WithNull(0.3) String channel,
            @ForAll("violations") List<PolicyViolation> violations) {
        ShadowPair p = PairLinesAdditionsTest.base().tenant(tenant).region(region)
                .channel(channel).violations(violations).build();

        byte[] line = PairLines.encode(p);
        String text = new String(line, 0, line.length - 1,
                java.nio.charset.StandardCharsets.UTF_8);

        assertThat(text).doesNotContain("\n");
        assertThat(PairLines.decode(text)).isEqualTo(p);
    }
}
