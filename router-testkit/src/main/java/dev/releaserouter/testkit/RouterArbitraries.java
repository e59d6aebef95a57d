package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.TargetingRule;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of route requests and of valid configurations and flag files. Use them in
 * {@code @Provide} methods, or all at once through {@link RouterDomain}:
 *
 * <pre>{@code
 * @Provide
 * Arbitrary<RouteRequest> requests() {
 *     return RouterArbitraries.requests(TestFlagFiles.readClasspath("flags.json"));
 * }
 * }</pre>
 *
 * <p>Requests drawn for a configuration use the values it lists (denied, allowed and killed
 * tenants, regions, channels and products; shadow deny lists; forbidden data classes) about half
 * of the time, other values and {@code null} the rest, so every branch of a decision occurs in a
 * few hundred tries. All shrink towards simpler requests and smaller configurations.
 *
 * <p>Stateless and thread-safe; arbitraries are immutable and may be shared.
 */
public final class RouterArbitraries {

    private RouterArbitraries() {}

    /**
     * Entity keys: 1 to 24 ASCII letters, digits, {@code -} and {@code _}.
     *
     * @return the arbitrary
     */
    public static Arbitrary<String> entityKeys() {
        return Arbitraries.strings().alpha().numeric().withChars('-', '_')
                .ofMinLength(1).ofMaxLength(24);
    }

    /**
     * Requests for one model with values no particular configuration lists (and {@code null}s).
     *
     * @param model the model name
     * @return the arbitrary
     * @throws NullPointerException if {@code model} is null
     */
    public static Arbitrary<RouteRequest> requests(String model) {
        Objects.requireNonNull(model, "model");
        return requests(model, Vocabulary.of(RouterConfig.EMPTY, null));
    }

    /**
     * Requests for the models of a configuration, drawing tenants, regions, channels, products and
     * data classes from the values it lists, so denied tenants and forbidden data classes occur.
     *
     * @param config the configuration, e.g. {@code TestFlagFiles.read(path)}
     * @return the arbitrary
     * @throws IllegalArgumentException if the configuration has no model
     */
    public static Arbitrary<RouteRequest> requests(RouterConfig config) {
        List<String> models = List.copyOf(config.models().keySet());
        if (models.isEmpty()) {
            throw new IllegalArgumentException("the configuration has no model to route");
        }
        if (models.size() == 1) {
            return requests(config, models.get(0));
        }
        return Arbitraries.of(models).flatMap(m -> requests(config, m));
    }

    /**
     * Requests for one model of a configuration; see {@link #requests(RouterConfig)}.
     *
     * @param config the configuration
     * @param model one of its models
     * @return the arbitrary
     * @throws IllegalArgumentException if the configuration has no such model
     */
    public static Arbitrary<RouteRequest> requests(RouterConfig config, String model) {
        if (config.model(model) == null) {
            throw new IllegalArgumentException(
                    "unknown model; known: " + config.models().keySet() + ", but was " + model);
        }
        return requests(model, Vocabulary.of(config, model));
    }

    private static Arbitrary<RouteRequest> requests(String model, Vocabulary v) {
        Arbitrary<java.util.Set<String>> dataClasses =
                Arbitraries.subsetOf(v.allDataClasses()).ofMaxSize(2);
        return Combinators.combine(entityKeys(), value(v, Dimension.TENANT),
                value(v, Dimension.REGION), value(v, Dimension.CHANNEL),
                value(v, Dimension.PRODUCT), dataClasses)
                .as((key, tenant, region, channel, product, classes) ->
                        RouteRequest.builder(model, key).tenant(tenant).region(region)
                                .channel(channel).product(product).dataClasses(classes)
                                .build());
    }

    private static Arbitrary<String> value(Vocabulary v, Dimension d) {
        List<String> listed = v.listed(d);
        Arbitrary<String> others = Arbitraries.of(Vocabulary.OTHERS.get(d));
        Arbitrary<String> any = listed.isEmpty() ? others : Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(listed)), Tuple.of(3, others));
        return any.injectNull(0.2);
    }

    /**
     * Valid configurations: one to three models, each with a stable {@code v1} and zero to three
     * candidates of any stage and weight (within their reserves), deny and allow lists, kill
     * switches of the model, its versions, tenants and channels, sometimes a global kill switch,
     * sometimes a shadow configuration with a sample, forbidden data classes and a deny list,
     * and sometimes targeting rules ({@link #targetingRules(List)}).
     *
     * @return the arbitrary
     */
    public static Arbitrary<RouterConfig> routerConfigs() {
        return ConfigArbitraries.routerConfigs();
    }

    /**
     * Valid models of the given name; see {@link #routerConfigs()}.
     *
     * @param name the model name
     * @return the arbitrary
     * @throws NullPointerException if {@code name} is null
     */
    public static Arbitrary<ModelConfig> modelConfigs(String name) {
        return ConfigArbitraries.modelConfigs(Objects.requireNonNull(name, "name"));
    }

    /**
     * Targeting rules for a model whose candidates have the default (equal) reserves: one to
     * three rules {@code segment-1..3}, each with one or two conditions over the values the
     * generated configurations list (a tenant list, a region, a tenant prefix, a channel
     * exclusion) and a weight per candidate within its reserve, so that
     * {@code ModelConfig.builder(...).targeting(rules)} accepts them. The requests of
     * {@link #requests(RouterConfig)} draw the values the rules name, so rules match.
     *
     * @param candidates the ids of the model's candidates (not the stable one), at least one
     * @return the arbitrary
     * @throws IllegalArgumentException if {@code candidates} is empty
     */
    public static Arbitrary<List<TargetingRule>> targetingRules(List<String> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("targeting rules need at least one candidate");
        }
        return ConfigArbitraries.rules(List.copyOf(candidates));
    }

    /**
     * The configurations of {@link #routerConfigs()} as long-form flag files (JSON text) that
     * {@code FlagSources} load back to an equal configuration.
     *
     * @return the arbitrary
     */
    public static Arbitrary<String> flagFiles() {
        return routerConfigs().map(TestFlagFiles::toJson);
    }

    /**
     * A configuration with requests drawn for it, for properties over both.
     *
     * @param maxRequests the largest number of requests per configuration, at least 1
     * @return the arbitrary; each list has 1 to {@code maxRequests} requests
     * @throws IllegalArgumentException if {@code maxRequests < 1}
     */
    public static Arbitrary<Tuple2<RouterConfig, List<RouteRequest>>> configsWithRequests(
            int maxRequests) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, but was "
                    + maxRequests);
        }
        return routerConfigs().flatMap(c -> requests(c).list().ofMinSize(1)
                .ofMaxSize(maxRequests).map(rs -> Tuple.of(c, rs)));
    }
}
