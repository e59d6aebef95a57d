package dev.releaserouter.core;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.core.audit.Slf4jAuditSink;
import dev.releaserouter.core.exposure.ExposureSettings;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.api.hook.RouteHook;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link Router}, and hands out its {@link RouterAdmin} to whoever asks for it.
 *
 * <pre>{@code
 * Router router = ReleaseRouter.builder()
 *         .flagSource(FlagSources.file(Path.of("/etc/router/flags.json")))
 *         .hashSecretHex(System.getenv("ROUTER_HASH_SECRET"))
 *         .auditSink(JsonlAuditSink.open(Path.of("/var/log/router/audit.jsonl")))
 *         .model(ModelBinding.<Features, Double>builder("churn")
 *                 .version("v1", churnV1::score).version("v2", churnV2::score).build())
 *         .build();
 * RouteResult<Double> r = router.route(RouteRequest.of("churn", customerId), features);
 * RouteDecision d = router.decide(RouteRequest.builder("churn", customerId).tenant(t).build());
 * }</pre>
 *
 * <p>{@link Builder#build()} returns a router that evaluates only. Where routing is changed at
 * runtime (an operators' endpoint, a rollout controller), build with
 * {@link Builder#buildWithAdmin()} and hand {@code admin.router()} to request code:
 *
 * <pre>{@code
 * RouterAdmin admin = ReleaseRouter.builder().flagSource(source).buildWithAdmin();
 * Router router = admin.router();        // for request code: decide, route
 * admin.kill(KillTarget.version("churn", "v2"), ChangeContext.of("alice", "error spike"));
 * router.close();                        // closing the router ends the admin too
 * }</pre>
 */
public final class ReleaseRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseRouter.class);

    /** The warning logged when a router is built without a secret of its own. */
    static final String DEFAULT_SECRET_WARNING = "Release Router uses the public default hash"
            + " secret: anyone can predict which entities get a candidate. Set your own:"
            + " ReleaseRouter.builder().hashSecretHex(...) or, in Spring Boot, the property"
            + " router.hash-secret; " + Bucketing.HOW_TO_GENERATE + ".";

    private ReleaseRouter() {}

    /**
     * A new builder. The first call checks that the class path's Jackson is consistent (see
     * {@code docs/architecture.md}, "Dependencies").
     *
     * @return a new builder
     * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-annotations} is
     *     missing or older than the Jackson 3 databind the router uses needs; the message names
     *     the artifact, the versions and how to align them
     */
    public static Builder builder() {
        JacksonAlignment.checkOnce();
        return new Builder();
    }

    /** Configures and builds a router. Not thread-safe; the router it builds is. */
    public static final class Builder {
        private @Nullable FlagSource source;
        private @Nullable AuditSink audit;
        private Clock clock = Clock.systemUTC();
        private byte[] secret = Bucketing.secretFromHex(Bucketing.DEFAULT_SECRET_HEX);
        private ShadowSettings shadow = ShadowSettings.DEFAULTS;
        private final List<RouteHook> hooks = new ArrayList<>();
        private @Nullable LongSupplier ticker;
        private @Nullable BudgetLedger budgetLedger;
        private @Nullable OverrideStore overrideStore;
        private @Nullable ExposureSettings exposures;
        private final Map<String, ModelBinding<?, ?>> models = new LinkedHashMap<>();
        private final Map<String, Supplier<ComponentStatus>> statusContributors =
                new LinkedHashMap<>();

        private Builder() {}

        /**
         * Registers a model's callable versions, so that {@code router.route(request, input)}
         * calls them for requests that name this model.
         *
         * @param binding the model's versions, comparator, validator, copier and fallback
         * @return this builder
         * @throws IllegalArgumentException if a binding for the same model is already registered
         * @throws NullPointerException if the binding is null
         */
        public Builder model(ModelBinding<?, ?> binding) {
            Objects.requireNonNull(binding, "binding");
            if (models.putIfAbsent(binding.model(), binding) != null) {
                throw new IllegalArgumentException("model '" + binding.model()
                        + "' is already registered; register each model once");
            }
            return this;
        }

        /**
         * @param source where the base configuration comes from (required, or use
         *     {@link #config(RouterConfig)})
         * @return this builder
         */
        public Builder flagSource(FlagSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Uses a fixed, programmatic configuration (change it later with
         * {@code admin.applyConfig(...)}, the admin of {@link #buildWithAdmin()}).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(RouterConfig config) {
            return flagSource(FlagSources.inMemory(config));
        }

        /**
         * @param sink where audit entries go; defaults to SLF4J only
         * @return this builder
         */
        public Builder auditSink(AuditSink sink) {
            this.audit = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param clock the time source for budget windows and audit timestamps (inject a fixed or
         *     manual clock in tests)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param secret the 16-byte key of the assignment hash; keep it secret and stable
         *     (changing it reshuffles every entity)
         * @return this builder
         * @throws IllegalArgumentException if null or not 16 bytes (the message says how to
         *     generate a secret)
         */
        public Builder hashSecret(byte @Nullable [] secret) {
            Bucketing.checkSecret(secret);
            this.secret = Objects.requireNonNull(secret).clone();
            return this;
        }

        /**
         * The key of the assignment hash, as exactly 32 hex digits (16 bytes; either case,
         * surrounding whitespace ignored), e.g. from an environment variable. Generate one with
         * {@code java -jar router-cli-<version>-all.jar secret} or {@code openssl rand -hex 16}.
         * Without one the router uses a public default and warns.
         *
         * @param hex the key as 32 hex digits
         * @return this builder
         * @throws IllegalArgumentException if null (missing, e.g. an unset environment
         *     variable) or not exactly 32 hex digits; the message says how to generate one and
         *     never shows the value
         */
        public Builder hashSecretHex(@Nullable String hex) {
            this.secret = Bucketing.secretFromHex(hex);
            return this;
        }

        /**
         * @param settings how shadow calls run (threads, queue, timeout, breaker, pair store);
         *     defaults to {@link ShadowSettings#DEFAULTS}
         * @return this builder
         */
        public Builder shadow(ShadowSettings settings) {
            this.shadow = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Registers a hook that sees every {@code route(...)} call, shadow comparison and
         * recorded outcome: measurements ({@code ArmMeasurements}), metrics and tracing
         * ({@code RouteObservations}, {@code ShadowMetrics}, {@code ArmMetrics}), exposure
         * logging. Repeatable; hooks are called in the order they were registered. A hook that
         * throws is contained and counted, never fails a request.
         *
         * @param hook the hook
         * @return this builder
         * @throws NullPointerException if hook is null
         */
        public Builder hook(RouteHook hook) {
            hooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /**
         * @param nanoTime the nanosecond time source that times model calls (the latencies hooks
         *     and measurements see); defaults to the shadow settings' ticker,
         *     {@code System::nanoTime}. Inject a simulated one in tests and demos.
         * @return this builder
         * @throws NullPointerException if nanoTime is null
         */
        public Builder ticker(LongSupplier nanoTime) {
            this.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * Where runtime overrides (what the admin API changes: kill switches, weights, stages,
         * budgets, segments) are kept. The default is a new {@link OverrideStore#inMemory()}
         * store of this router alone; a shared store (fleet mode) carries every change made on
         * one router to every router that uses it. At start the router applies the overrides
         * the store holds; each admin change is written with compare-and-set (a change made
         * meanwhile elsewhere is kept) and audited; changes written by others are applied when
         * the store announces them. A change the store cannot take is refused (the admin caller
         * sees the exception); a store that fails at start or in a notification is counted in
         * {@code status().internalErrors()}. The router closes the store when it closes.
         *
         * @param store the store
         * @return this builder
         * @throws NullPointerException if store is null
         */
        public Builder overrideStore(OverrideStore store) {
            this.overrideStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Where exposure budgets' request counts are consumed. The default is a new
         * {@link BudgetLedger#inMemory()} ledger of this router alone; a shared ledger (fleet
         * mode) makes one budget of every router that uses it. The router consumes
         * {@link BudgetLedger#allotment()} units at a time, gives back what it did not use when a
         * budget changes or it closes, and closes the ledger when it closes. If the ledger fails,
         * budgeted candidates get no new exposure (stable answers, reason
         * {@code BUDGET_EXHAUSTED}) and the failures count in {@code status().internalErrors()}.
         *
         * @param ledger the ledger
         * @return this builder
         * @throws NullPointerException if ledger is null
         */
        public Builder budgetLedger(BudgetLedger ledger) {
            this.budgetLedger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        /**
         * Emits exposure (assignment) events: who was assigned which version, why, from which
         * bucket, on which configuration revision, once per (model, entity, version) per
         * deduplication window, to the settings' sink ({@code docs/exposures.md}). Every
         * {@code decide} and {@code route} decision of a known model is an exposure, those made
         * before the bucket (kill switch, deny or allow list, budget) included with their
         * reason; {@code recordOutcome} and {@code recordLabel} are not.
         *
         * <p>The decision path never waits for the sink: a duplicate costs a lock-free cache
         * lookup and allocates nothing; a new exposure goes on a bounded queue (dropped and
         * counted when full) that one daemon thread of the router delivers. Counts and sink
         * failures show in {@code router.status().components().get("exposures")}. The router
         * closes the sink when it closes, after delivering what is queued (bounded by the
         * settings' close timeout).
         *
         * @param settings the sink and the deduplication, hashing, attribute and queue options
         * @return this builder
         * @throws NullPointerException if settings is null
         */
        public Builder exposures(ExposureSettings settings) {
            this.exposures = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Registers a component the router depends on (a fleet store, a remote ledger), so that
         * {@code router.status().components()} and the health checks built on it show its
         * health under {@code name}. The supplier is called on every {@code status()} call, on
         * the caller's thread, never by {@code decide} or {@code route}: it must be cheap and
         * must not block (answer from state the component already has). A supplier that throws
         * or answers null is contained: the component is reported
         * {@link ComponentStatus.State#UNKNOWN} with the reason. Repeatable, one per name;
         * components are listed in registration order.
         *
         * <pre>{@code
         * ReleaseRouter.builder()...statusContributor("fleet", fleet::componentStatus)
         * }</pre>
         *
         * @param name the component's name, non-blank, e.g. {@code fleet}
         * @param status answers the component's current status
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if name is blank or already registered (the name
         *     {@code exposures} is the router's own when {@link #exposures} is set)
         */
        public Builder statusContributor(String name, Supplier<ComponentStatus> status) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a status contributor's name must be "
                        + "non-blank, but was '" + name + "'");
            }
            if (statusContributors.putIfAbsent(name, status) != null) {
                throw new IllegalArgumentException("status contributor '" + name
                        + "' is already registered; register each component once");
            }
            return this;
        }

        /**
         * Loads the configuration, records the start in the audit trail and starts watching the
         * flag source. The router evaluates only: nothing reachable from it changes routing (use
         * {@link #buildWithAdmin()} for runtime changes).
         *
         * @return the router; thread-safe
         * @throws IllegalStateException if no flag source was given
         * @throws IllegalArgumentException if the budget ledger's allotment is below 1
         * @throws dev.releaserouter.api.config.ConfigException if the configuration is invalid
         * @throws java.io.UncheckedIOException if the audit sink cannot record the start
         */
        public Router build() {
            return newRouter();
        }

        /**
         * Builds a router as {@link #build()} does and returns the capability to change it at
         * runtime: {@code admin.router()} is the new router (hand it to request code), and
         * closing it, {@code admin.router().close()}, ends both. Keep the admin where changes are
         * made: an operators' endpoint, a rollout controller, release governance.
         *
         * @return the admin of a new router; thread-safe
         * @throws IllegalStateException if no flag source was given
         * @throws dev.releaserouter.api.config.ConfigException if the configuration is invalid
         * @throws java.io.UncheckedIOException if the audit sink cannot record the start
         */
        public RouterAdmin buildWithAdmin() {
            return new DefaultRouterAdmin(newRouter());
        }

        private DefaultRouter newRouter() {
            if (source == null) {
                throw new IllegalStateException(
                        "a flag source is required: call flagSource(...) or config(...)");
            }
            if (Bucketing.isDefault(secret)) {
                LOG.warn(DEFAULT_SECRET_WARNING);
            }
            return new DefaultRouter(source, audit != null ? audit : new Slf4jAuditSink(), clock,
                    secret, shadow, List.copyOf(hooks), ticker, List.copyOf(models.values()),
                    budgetLedger != null ? budgetLedger : BudgetLedger.inMemory(),
                    overrideStore != null ? overrideStore : OverrideStore.inMemory(),
                    statusContributors, exposures);
        }
    }
}
