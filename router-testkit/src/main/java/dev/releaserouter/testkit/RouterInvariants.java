package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.ReleaseRouter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Ready-made invariant checks a consumer runs against its own flag file:
 *
 * <pre>{@code
 * // plain JUnit: a sweep of generated requests plus a share check, all five invariants
 * RouterInvariants.forFlagFile(Path.of("src/main/resources/flags.json")).assertAll();
 *
 * // jqwik: one generated request per try, shrunk to the simplest violating one
 * static final RouterInvariants INVARIANTS = RouterInvariants.forClasspathFlagFile("flags.json");
 *
 * @Property(tries = 500)
 * void routingInvariantsHold(@ForAll("requests") RouteRequest request) {
 *     INVARIANTS.assertHolds(request);
 * }
 * }</pre>
 *
 * <p>For a flag file or configuration the checks run on a real router
 * ({@code ReleaseRouter.builder().config(...)}, built on first use with the hash secret given to
 * {@link #hashSecretHex(String)} or the default one, and closed by {@link #close()}); for
 * {@link #forRouter(Router)} they run on the given router (which they do not close) and read what
 * should happen from its {@code config()}. The shadow check routes requests through
 * {@code bind(...)} with trivial versions that return their id; it needs nothing else.
 *
 * <p>Instances are immutable apart from the lazily built router; the option methods return new
 * instances (with their own router). Checks may run concurrently from several threads. Requests
 * routed by the checks count against exposure budgets of the router they run on, like any
 * request.
 */
public final class RouterInvariants implements AutoCloseable {

    private static final int DEFAULT_SWEEP = 2_000;
    private static final int DEFAULT_ENTITIES = 20_000;
    private static final double DEFAULT_SIGMAS = 5;

    private final String subject;
    private final @Nullable RouterConfig config;
    private final @Nullable Router given;
    private final @Nullable String secretHex;
    private final int sweep;
    private final int entities;
    private final double sigmas;
    private final long seed;
    private final Object lock = new Object();
    private volatile @Nullable Router built;
    private volatile @Nullable InvariantChecker checker;

    private RouterInvariants(String subject, @Nullable RouterConfig config,
            @Nullable Router given, @Nullable String secretHex, int sweep, int entities,
            double sigmas, long seed) {
        this.subject = subject;
        this.config = config;
        this.given = given;
        this.secretHex = secretHex;
        this.sweep = sweep;
        this.entities = entities;
        this.sigmas = sigmas;
        this.seed = seed;
    }

    /**
     * Checks a flag file on disk, read once with the router's parser.
     *
     * @param path the flag file
     * @return the checks
     * @throws dev.releaserouter.api.config.ConfigException if the file is missing or invalid
     */
    public static RouterInvariants forFlagFile(Path path) {
        return forConfig("file:" + path.toAbsolutePath(), TestFlagFiles.read(path));
    }

    /**
     * Checks a flag file on the classpath.
     *
     * @param resource the resource name, e.g. {@code flags.json}
     * @return the checks
     * @throws dev.releaserouter.api.config.ConfigException if it is missing or invalid
     */
    public static RouterInvariants forClasspathFlagFile(String resource) {
        return forConfig("classpath:" + resource, TestFlagFiles.readClasspath(resource));
    }

    /**
     * Checks a configuration.
     *
     * @param config the configuration
     * @return the checks
     * @throws NullPointerException if {@code config} is null
     */
    public static RouterInvariants forConfig(RouterConfig config) {
        return forConfig("in-memory configuration", Objects.requireNonNull(config, "config"));
    }

    private static RouterInvariants forConfig(String subject, RouterConfig config) {
        return new RouterInvariants(subject, config, null, null, DEFAULT_SWEEP, DEFAULT_ENTITIES,
                DEFAULT_SIGMAS, 0x5eed);
    }

    /**
     * Checks a router as it is: what should happen is read from {@code router.config()} at each
     * check. Use it for a router built with your production settings, or to show that a fake or
     * wrapped router breaks an invariant.
     *
     * @param router the router; not closed by {@link #close()}
     * @return the checks
     * @throws NullPointerException if {@code router} is null
     */
    public static RouterInvariants forRouter(Router router) {
        Objects.requireNonNull(router, "router");
        return new RouterInvariants("router " + router.getClass().getSimpleName(), null, router,
                null, DEFAULT_SWEEP, DEFAULT_ENTITIES, DEFAULT_SIGMAS, 0x5eed);
    }

    /**
     * @param hex the 32-hex-digit hash secret of your production router, so the share check runs
     *     on the same assignment (shares hold under any secret; this only changes which entities)
     * @return a copy with that secret
     * @throws IllegalStateException if these checks are for a given router
     */
    public RouterInvariants hashSecretHex(String hex) {
        if (given != null) {
            throw new IllegalStateException("the hash secret is the given router's own");
        }
        return new RouterInvariants(subject, config, null, Objects.requireNonNull(hex, "hex"),
                sweep, entities, sigmas, seed);
    }

    /**
     * @param requests how many generated requests {@link #checkAll()} decides for the
     *     per-request invariants (default 2,000)
     * @return a copy with that sweep size
     * @throws IllegalArgumentException if negative
     */
    public RouterInvariants sweep(int requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must be >= 0, but was " + requests);
        }
        return new RouterInvariants(subject, config, given, secretHex, requests, entities, sigmas,
                seed);
    }

    /**
     * @param count how many entities per model the share check decides (default 20,000)
     * @param sigmas the tolerance in binomial standard deviations (default 5)
     * @return a copy with those settings
     * @throws IllegalArgumentException if {@code count < 1} or {@code sigmas <= 0}
     */
    public RouterInvariants shareSample(int count, double sigmas) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, but was " + count);
        }
        if (!(sigmas > 0)) {
            throw new IllegalArgumentException("sigmas must be > 0, but was " + sigmas);
        }
        return new RouterInvariants(subject, config, given, secretHex, sweep, count, sigmas,
                seed);
    }

    /**
     * @param seed seeds the sweep's requests and the share check's entity keys (default fixed,
     *     so a failure reproduces)
     * @return a copy with that seed
     */
    public RouterInvariants seed(long seed) {
        return new RouterInvariants(subject, config, given, secretHex, sweep, entities, sigmas,
                seed);
    }

    /**
     * Checks every per-request invariant on one request (all but
     * {@link Invariant#SHARES_MATCH_WEIGHTS}).
     *
     * @param request the request
     * @return the report
     */
    public InvariantReport check(RouteRequest request) {
        return check(request, new Invariant[0]);
    }

    /**
     * Checks some invariants on one request; {@link Invariant#SHARES_MATCH_WEIGHTS} is ignored
     * here (it needs many entities: see {@link #checkAll(Invariant...)}).
     *
     * @param request the request
     * @param invariants the invariants; none means every per-request one
     * @return the report
     */
    public InvariantReport check(RouteRequest request, Invariant... invariants) {
        Set<Invariant> set = select(invariants);
        set.remove(Invariant.SHARES_MATCH_WEIGHTS);
        List<Violation> out = new ArrayList<>();
        checker().check(Objects.requireNonNull(request, "request"), set, out);
        return new InvariantReport(subject, set, 1, out);
    }

    /**
     * Checks every per-request invariant on one request and throws if one is violated: the call
     * for a jqwik {@code @Property} over generated requests.
     *
     * @param request the request
     * @throws InvariantFailure naming the request, the decision and what was wrong
     */
    public void assertHolds(RouteRequest request) {
        check(request).assertPassed();
    }

    /**
     * Like {@link #assertHolds(RouteRequest)} for some invariants.
     *
     * @param request the request
     * @param invariants the invariants; none means every per-request one
     * @throws InvariantFailure naming the request, the decision and what was wrong
     */
    public void assertHolds(RouteRequest request, Invariant... invariants) {
        check(request, invariants).assertPassed();
    }

    /**
     * Checks every invariant: the per-request ones on a sweep of generated requests (drawn from
     * the configuration's own tenants, regions, channels, products and data classes), and the
     * shares on a sample of entities per model.
     *
     * @return the report
     */
    public InvariantReport checkAll() {
        return checkAll(Invariant.values());
    }

    /**
     * Checks some invariants, see {@link #checkAll()}.
     *
     * @param invariants the invariants; none means all
     * @return the report
     */
    public InvariantReport checkAll(Invariant... invariants) {
        Set<Invariant> set = select(invariants);
        InvariantChecker c = checker();
        List<Violation> out = new ArrayList<>();
        long decided = 0;
        Set<Invariant> perRequest = EnumSet.copyOf(set);
        perRequest.remove(Invariant.SHARES_MATCH_WEIGHTS);
        RouterConfig current = currentConfig();
        if (!perRequest.isEmpty() && sweep > 0 && !current.models().isEmpty()) {
            RequestSampler sampler = new RequestSampler(current);
            Random random = new Random(seed);
            for (int i = 0; i < sweep; i++) {
                c.check(sampler.sample(random), perRequest, out);
            }
            decided += sweep;
        }
        if (set.contains(Invariant.SHARES_MATCH_WEIGHTS)) {
            decided += c.shares(entities, sigmas, seed, out);
        }
        return new InvariantReport(subject, set, decided, out);
    }

    /**
     * Checks every invariant (see {@link #checkAll()}) and throws if one is violated.
     *
     * @throws InvariantFailure listing the violations with their requests and decisions
     */
    public void assertAll() {
        checkAll().assertPassed();
    }

    /**
     * Checks some invariants (see {@link #checkAll()}) and throws if one is violated.
     *
     * @param invariants the invariants; none means all
     * @throws InvariantFailure listing the violations with their requests and decisions
     */
    public void assertAll(Invariant... invariants) {
        checkAll(invariants).assertPassed();
    }

    /**
     * "No denied tenant ever reaches a candidate", on a sweep of generated requests.
     *
     * @throws InvariantFailure naming a request of a denied tenant and its candidate decision
     */
    public void assertNoDeniedTenantReachesCandidate() {
        assertAll(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE);
    }

    /**
     * "Assignment is sticky", on a sweep of generated requests.
     *
     * @throws InvariantFailure naming a request and its two different decisions
     */
    public void assertAssignmentIsSticky() {
        assertAll(Invariant.ASSIGNMENT_IS_STICKY);
    }

    /**
     * "Shares match weights within tolerance", on a sample of entities per model.
     *
     * @throws InvariantFailure naming the candidate, its count, its weight and the tolerance
     */
    public void assertSharesMatchWeights() {
        assertAll(Invariant.SHARES_MATCH_WEIGHTS);
    }

    /**
     * "A killed model serves only stable", on a sweep of generated requests.
     *
     * @throws InvariantFailure naming a request under a kill switch and the version that served
     */
    public void assertKilledModelServesOnlyStable() {
        assertAll(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE);
    }

    /**
     * "Forbidden data is never shadowed", on a sweep of generated requests routed through
     * {@code route(...)}.
     *
     * @throws InvariantFailure naming the request, its decision and its shadow disposition
     */
    public void assertForbiddenDataNeverShadowed() {
        assertAll(Invariant.FORBIDDEN_DATA_NEVER_SHADOWED);
    }

    /**
     * "Targeting rules apply in order, first match wins", on a sweep of generated requests.
     *
     * @throws InvariantFailure naming the request, its decision and the rule that should have
     *     applied
     */
    public void assertTargetingRulesApplyInOrder() {
        assertAll(Invariant.TARGETING_RULES_APPLY_IN_ORDER);
    }

    /**
     * @return the configuration the checks hold the router to: the flag file's, or the given
     *     router's current one
     */
    public RouterConfig currentConfig() {
        Router r = given;
        if (r != null) {
            return r.config();
        }
        return Objects.requireNonNull(config);
    }

    /** Closes the router these checks built, if any; never a router given to them. */
    @Override
    public void close() {
        synchronized (lock) {
            Router r = built;
            built = null;
            checker = null;
            if (r != null) {
                r.close();
            }
        }
    }

    @Override
    public String toString() {
        return "RouterInvariants[" + subject + "]";
    }

    private InvariantChecker checker() {
        InvariantChecker c = checker;
        if (c != null) {
            return c;
        }
        synchronized (lock) {
            if (checker == null) {
                Router r = given;
                if (r == null) {
                    ReleaseRouter.Builder b = ReleaseRouter.builder()
                            .config(Objects.requireNonNull(config))
                            .auditSink(event -> { });
                    if (secretHex != null) {
                        b.hashSecretHex(secretHex);
                    }
                    r = b.build();
                    built = r;
                }
                checker = new InvariantChecker(r);
            }
            return Objects.requireNonNull(checker);
        }
    }

    private static Set<Invariant> select(Invariant[] invariants) {
        if (invariants.length == 0) {
            return EnumSet.allOf(Invariant.class);
        }
        return EnumSet.copyOf(Arrays.asList(invariants));
    }
}
