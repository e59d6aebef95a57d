package dev.releaserouter.governance.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.ChangeType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ManifestRoundTripProperties {

    @Property(tries = 300)
    void toJson_thenParse_givesAnEqualManifest_andTheSameJson(
            @ForAll("manifests") ReleaseManifest m) {
        roundTrips(m);
    }

    @Property(tries = 300)
    void withLinks_toJson_thenParse_givesAnEqualManifest_andTheSameJson(
            @ForAll("manifestsWithLinks") ReleaseManifest m) {
        roundTrips(m);
    }

    private static void roundTrips(ReleaseManifest m) {
        String json = m.toJson();
        ReleaseManifest back = ReleaseManifest.parse(json.getBytes(StandardCharsets.UTF_8),
                "prop.json");
        assertThat(back).isEqualTo(m);
        assertThat(back.toJson()).isEqualTo(json);
    }

    @Provide
    Arbitrary<ReleaseManifest> manifestsWithLinks() {
        Arbitrary<String> segment = Arbitraries.strings().withCharRange('a', 'z')
                .withChars("0123456789._-").ofMinLength(1).ofMaxLength(10)
                .filter(s -> !s.equals("..") && !s.equals("."));
        Arbitrary<String> digest = Arbitraries.strings().withChars("0123456789abcdef")
                .ofLength(64).map(h -> "sha256:" + h);
        Arbitrary<ReleaseManifest.Link> file = Combinators.combine(segment.list().ofMinSize(1)
                .ofMaxSize(3).map(l -> String.join("/", l)), digest)
                .as(ReleaseManifest.Link::new);
        Arbitrary<ReleaseManifest.Link> web = Combinators.combine(segment,
                digest.injectNull(0.5)).as((p, d) -> new ReleaseManifest.Link(
                        "https://docs.example.com/" + p, d));
        Arbitrary<ReleaseManifest.Link> link = Arbitraries.oneOf(file, web);
        return Combinators.combine(manifests(), Arbitraries.subsetOf(
                ReleaseManifest.LinkKind.values()), link.list().ofSize(5))
                .as((m, kinds, links) -> {
                    ReleaseManifest.Builder b = m.toBuilder();
                    int i = 0;
                    for (ReleaseManifest.LinkKind k : kinds) {
                        ReleaseManifest.Link l = links.get(i++);
                        b.link(k, l.uri(), l.digest());
                    }
                    return b.build();
                });
    }

    @Provide
    Arbitrary<ReleaseManifest> manifests() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12)
                .filter(s -> !s.isBlank() && s.codePoints().noneMatch(Character::isISOControl)
                        && s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef")
                .ofLength(64);
        Arbitrary<ReleaseManifest.Canary> canary = Combinators.combine(text,
                Arbitraries.integers().between(1, 10_000)).as(ReleaseManifest.Canary::new)
                .injectNull(0.3);
        Arbitrary<List<String>> incidents = text.list().ofMaxSize(3);
        return Combinators.combine(text, text, hex, hex, canary, text,
                text.injectNull(0.3), incidents).as((model, version, a, p, c, to, alias, inc) ->
                        ReleaseManifest.builder().model(model).version(version)
                                .artifactDigest("sha256:" + a).policyDigest(p).canary(c)
                                .rollback(to.equals(version) ? to + "-prev" : to, alias)
                                .approval("security", "s-" + model)
                                .approval("product", "p-" + model)
                                .changeTicket("CHG-" + version).incidents(inc)
                                .changeType(ChangeType.values()[Math.abs(p.hashCode() % 3)])
                                .build());
    }
}
