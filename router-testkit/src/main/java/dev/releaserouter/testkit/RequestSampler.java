package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Draws route requests for one configuration from a seeded {@link Random}, without the jqwik
 * engine: the sweeps of {@code RouterInvariants.checkAll()} use it from plain JUnit tests. Same
 * mix as the arbitraries: listed values (denied, allowed, killed, shadow-denied segments and
 * forbidden data classes) about half of the time. Not thread-safe (the {@code Random} is the
 * caller's).
 */
final class RequestSampler {

    private final List<String> models;
    private final List<Vocabulary> vocabularies = new ArrayList<>();

    /**
     * @param config the configuration
     * @throws IllegalArgumentException if it has no model
     */
    public RequestSampler(RouterConfig config) {
        this.models = List.copyOf(config.models().keySet());
        if (models.isEmpty()) {
            throw new IllegalArgumentException("the configuration has no model to route");
        }
        for (String m : models) {
            vocabularies.add(Vocabulary.of(config, m));
        }
    }

    /**
     * @param random the source of randomness
     * @return a request for one of the configuration's models
     */
    public RouteRequest sample(Random random) {
        int i = random.nextInt(models.size());
        Vocabulary v = vocabularies.get(i);
        RouteRequest.Builder b = RouteRequest.builder(models.get(i),
                "entity-" + Long.toHexString(random.nextLong()))
                .tenant(pick(random, v, Dimension.TENANT))
                .region(pick(random, v, Dimension.REGION))
                .channel(pick(random, v, Dimension.CHANNEL))
                .product(pick(random, v, Dimension.PRODUCT));
        int classes = random.nextInt(3);
        List<String> listed = v.listedDataClasses();
        for (int c = 0; c < classes; c++) {
            if (!listed.isEmpty() && random.nextBoolean()) {
                b.dataClasses(listed.get(random.nextInt(listed.size())));
            } else {
                List<String> others = Vocabulary.OTHER_DATA_CLASSES;
                b.dataClasses(others.get(random.nextInt(others.size())));
            }
        }
        return b.build();
    }

    private static @Nullable String pick(Random random, Vocabulary v, Dimension d) {
        int roll = random.nextInt(100);
        List<String> listed = v.listed(d);
        if (roll < 50 && !listed.isEmpty()) {
            return listed.get(random.nextInt(listed.size()));
        }
        if (roll < 80) {
            List<String> others = Vocabulary.OTHERS.get(d);
            return others.get(random.nextInt(others.size()));
        }
        return null;
    }
}
