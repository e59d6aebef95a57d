package dev.releaserouter.core;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.Subscription;
import dev.releaserouter.core.internal.Throwables;
import dev.releaserouter.core.budget.internal.BudgetAccounts;
import dev.releaserouter.core.budget.internal.BudgetState;
import dev.releaserouter.core.exposure.ExposureSettings;
import dev.releaserouter.core.exposure.internal.ExposureLog;
import dev.releaserouter.core.shadow.internal.ShadowRunner;
import dev.releaserouter.core.shadow.ShadowSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: decisions on the current snapshot, and every way the snapshot changes (flag-source
 * reloads and admin overrides).
 *
 * <p>Capabilities: this class is the evaluation side only. It implements {@link Router} and
 * nothing that changes routing, so no holder of a {@code Router} reaches a write by a cast: admin
 * changes go through {@link DefaultRouterAdmin} (handed out by
 * {@link ReleaseRouter.Builder#buildWithAdmin()}), which calls the package-private write
 * primitives below, and the flag source talks to a private {@link SourceListener}.
 *
 * <p>Design: readers ({@link #decide}) do one volatile read of {@link #snapshot} and nothing else
 * shared except lock-free budget counters. Writers (admin calls and the flag source's thread)
 * serialize on {@link #writeLock}, build the next effective configuration from {@link #base} and
 * {@link #overrides}, compile it (which validates it), write the audit entry durably, and only
 * then publish the new snapshot with one volatile write. A failure at any step leaves the old
 * snapshot, base and overrides untouched: the router never runs on half a configuration, and no
 * change takes effect without its audit entry. A change is visible to every {@code decide} that
 * starts after the writer returns.
 */
final class DefaultRouter implements Router {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRouter.class);
    /** Compare-and-set attempts of one change before it is refused (the store is too busy). */
    private static final int MAX_OVERRIDE_ATTEMPTS = 16;
    /** The status component of exposure events. */
    static final String EXPOSURES = "exposures";

    private final FlagSource source;
    private final AuditSink audit;
    private final Clock clock;
    private final byte[] secret;
    private final BudgetAccounts ledger;
    private final Object writeLock = new Object();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private final AtomicLong unattributedOutcomes = new AtomicLong();

    private final ShadowSettings shadowSettings;
    private final HookChain hooks;
    private final LongSupplier ticker;
    // Created on first use, so a router that never routes starts no threads.
    private volatile @Nullable ShadowRunner shadowRunner;
    private volatile @Nullable ExecutorService fallbackExecutor;

    /** The models registered on the builder, by name; read by route(request, input). */
    private final Map<String, RoutedModel<?, ?>> models;

    private volatile Snapshot snapshot;
    private volatile @Nullable ConfigException lastReloadError;
    // Guarded by writeLock.
    private RouterConfig base;
    private Overrides overrides = Overrides.NONE;
    // The override store's revision of `overrides`; -1 if not known (the store failed).
    private long overridesRevision = -1;
    private final OverrideStore overrideStore;
    private final @Nullable Subscription overridesSubscription;
    /** Read by status() only, never by decide. */
    private final Map<String, Supplier<ComponentStatus>> statusContributors;
    /** Exposure events; null when none are configured. */
    private final @Nullable ExposureLog exposures;
    private boolean closed;

    /**
     * Loads the source, audits the start and starts watching.
     *
     * @throws ConfigException if the source's configuration is invalid
     * @throws java.io.UncheckedIOException if the audit sink cannot record the start
     */
    public DefaultRouter(FlagSource source, AuditSink audit, Clock clock, byte[] secret,
            ShadowSettings shadowSettings, List<RouteHook> hooks, @Nullable LongSupplier ticker,
            List<ModelBinding<?, ?>> bindings, BudgetLedger budgetLedger,
            OverrideStore overrideStore,
            Map<String, Supplier<ComponentStatus>> statusContributors,
            @Nullable ExposureSettings exposureSettings) {
        // Copied: the builder may be reused after build().
        this.statusContributors = new LinkedHashMap<>(statusContributors);
        if (exposureSettings != null && this.statusContributors.containsKey(EXPOSURES)) {
            throw new IllegalArgumentException("status contributor '" + EXPOSURES
                    + "' is the router's own when exposures are configured; use another name");
        }
        this.ledger = new BudgetAccounts(budgetLedger);
        this.overrideStore = Objects.requireNonNull(overrideStore, "overrideStore");
        this.shadowSettings = Objects.requireNonNull(shadowSettings, "shadowSettings");
        this.hooks = new HookChain(hooks, this);
        this.ticker = ticker != null ? ticker : shadowSettings.ticker();
        this.source = Objects.requireNonNull(source, "source");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.secret = secret.clone();
        RouterConfig initial = source.load();
        Snapshot first = startWithStoredOverrides(initial);
        ConfigDiff diff = ConfigDiff.between(RouterConfig.EMPTY, initial);
        audit.record(new AuditEvent(clock.instant(), actor(), "config.load", source.description(),
                null, diff.afterJson(), "router started", null, 1));
        this.base = initial;
        this.snapshot = first;
        Map<String, RoutedModel<?, ?>> bound = new LinkedHashMap<>();
        for (ModelBinding<?, ?> b : bindings) {
            bound.put(b.model(), bind(b));
        }
        this.models = Map.copyOf(bound);
        this.overridesSubscription = subscribeToOverrides();
        // Last: a failure above must not leave an exposure thread running.
        this.exposures = exposureSettings == null ? null
                : new ExposureLog(exposureSettings, clock, this.ticker, this.secret);
        if (exposures != null) {
            this.statusContributors.put(EXPOSURES, exposures::status);
        }
        source.watch(new SourceListener());
    }

    /**
     * The first snapshot: the source's configuration with the overrides the store holds (made
     * by an earlier run, or by another instance). A store that fails, or overrides that no
     * longer fit, leave the configuration alone: counted and logged, never fatal.
     */
    private Snapshot startWithStoredOverrides(RouterConfig initial) {
        try {
            OverrideDocument doc = overrideStore.load();
            Overrides stored = OverridesCodec.read(doc.content());
            Snapshot s = Snapshot.compile(stored.apply(initial), 1, secret, ledger, clock);
            overrides = stored;
            overridesRevision = doc.revision();
            return s;
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            internalErrors.incrementAndGet();
            LOG.warn("Release Router: the runtime overrides in the override store could not be "
                    + "applied at start ({}); starting without them", t.toString());
            return Snapshot.compile(initial, 1, secret, ledger, clock);
        }
    }

    private @Nullable Subscription subscribeToOverrides() {
        try {
            return overrideStore.subscribe(this::onOverrides);
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            internalErrors.incrementAndGet();
            LOG.warn("Release Router: cannot subscribe to the override store ({}); changes made "
                    + "elsewhere are applied only with this router's next change", t.toString());
            return null;
        }
    }

    /**
     * Overrides written to the store (by another router, or by this one): applied if newer than
     * what this router has. Never throws (the store's thread).
     */
    private void onOverrides(OverrideDocument doc) {
        try {
            synchronized (writeLock) {
                if (closed || doc.revision() <= overridesRevision) {
                    return; // this router's own write, or older than what it has
                }
                Overrides next = OverridesCodec.read(doc.content());
                long rev = snapshot.revision + 1;
                Snapshot s = Snapshot.compile(next.apply(base), rev, secret, ledger, clock);
                overrides = next;
                overridesRevision = doc.revision();
                snapshot = s;
                LOG.info("Release Router: runtime overrides at store revision {} applied; "
                        + "configuration now at revision {}", doc.revision(), rev);
            }
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
            try {
                LOG.warn("Release Router: runtime overrides at store revision {} could not be "
                        + "applied: {}", doc.revision(), t.toString());
            } catch (Throwable ignored) {
                // Counted above.
            }
        }
    }

    private String actor() {
        return "source:" + source.description();
    }

    // ---------------------------------------------------------------- hot path

    /**
     * The hot path. Small on purpose: the JIT inlines it into the caller, where it unpacks the
     * request into fields for {@link #decideFields}, the large method compiled on its own. The
     * request object then goes no further than this method (only to exposures, when they are
     * configured), so a request the caller built for this call needs no allocation at all: the
     * JIT's escape analysis replaces it, and its builder, by their fields. Passing the request
     * itself to a method that is not inlined would defeat that.
     */
    @Override
    public RouteDecision decide(RouteRequest request) {
        Objects.requireNonNull(request, "request");
        Snapshot s = snapshot;
        RouteDecision d = decideFields(s, request.model(), request.entityKey(), request.tenant(),
                request.region(), request.channel(), request.product(), request.attributes(),
                request.monetaryValueOr(Double.NaN));
        ExposureLog log = exposures;
        if (log != null) {
            log.expose(request, d); // never blocks nor throws; no allocation for a duplicate
        }
        return d;
    }

    /** Decides on a request's fields; requests never fail because of the router. */
    private RouteDecision decideFields(Snapshot s, String model, String entityKey,
            @Nullable String tenant, @Nullable String region, @Nullable String channel,
            @Nullable String product, Map<String, String> attributes, double monetaryValue) {
        try {
            return s.decide(model, entityKey, tenant, region, channel, product, attributes,
                    monetaryValue);
        } catch (RuntimeException | StackOverflowError e) {
            // Stable answers and the reason says why.
            internalErrors.incrementAndGet();
            return s.internalError(model);
        }
    }

    /** A decision that is not an exposure (the arm of an outcome). */
    private RouteDecision decideQuietly(RouteRequest request) {
        Snapshot s = snapshot;
        try {
            return s.decide(request);
        } catch (RuntimeException | StackOverflowError e) {
            internalErrors.incrementAndGet();
            return s.internalError(request.model());
        }
    }

    /** The snapshot in force; route() reads it once and decides and shadows on it. */
    Snapshot currentSnapshot() {
        return snapshot;
    }

    /** Decides on a snapshot; the decision is an exposure (if exposures are configured). */
    RouteDecision decideOn(Snapshot s, RouteRequest request) {
        RouteDecision d = decideFields(s, request.model(), request.entityKey(), request.tenant(),
                request.region(), request.channel(), request.product(), request.attributes(),
                request.monetaryValueOr(Double.NaN));
        ExposureLog log = exposures;
        if (log != null) {
            log.expose(request, d); // never blocks nor throws; no allocation for a duplicate
        }
        return d;
    }

    /** @return the route hooks, in registration order (possibly none) */
    HookChain hooks() {
        return hooks;
    }

    /** @return the nanosecond ticker that times model calls */
    LongSupplier ticker() {
        return ticker;
    }

    /**
     * The first registered hook of a type, e.g. the {@code ArmMeasurements} a rollout reads.
     *
     * @param type the hook's type
     * @param <T> the type
     * @return the hook, or empty if none of that type is registered
     */
    <T> Optional<T> hook(Class<T> type) {
        return hooks.find(Objects.requireNonNull(type, "type"));
    }

    /** @return the clock of budgets, audit timestamps and measurements */
    Clock clock() {
        return clock;
    }

    /** Counts a fault inside the router (or a hook it calls) that did not fail the request. */
    void internalError() {
        internalErrors.incrementAndGet();
    }

    @Override
    public <I, O> RouteResult<O> route(RouteRequest request, I input) {
        return this.<I, O>registered(request).route(request, input);
    }

    @Override
    public <I, O> CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input) {
        return this.<I, O>registered(request).routeAsync(request, input);
    }

    @SuppressWarnings("unchecked") // the binding's types are the caller's (documented on Router)
    private <I, O> RoutedModel<I, O> registered(RouteRequest request) {
        Objects.requireNonNull(request, "request");
        RoutedModel<I, O> m = (RoutedModel<I, O>) models.get(request.model());
        if (m == null) {
            throw new IllegalArgumentException("no model '" + request.model()
                    + "' is registered with this router (registered: "
                    + new TreeSet<>(models.keySet())
                    + "); register it with ReleaseRouter.builder().model(ModelBinding...)");
        }
        return m;
    }

    @Override
    public void recordOutcome(RouteRequest request, String name, double value) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(name, "name");
        if (hooks.isEmpty()) {
            return;
        }
        String version = arm(request);
        if (version != null) {
            hooks.onOutcome(OutcomeEvent.outcome(request, version, name, value));
        }
    }

    @Override
    public void recordLabel(RouteRequest request, double predicted, double actual) {
        Objects.requireNonNull(request, "request");
        if (hooks.isEmpty()) {
            return;
        }
        String version = arm(request);
        if (version != null) {
            hooks.onOutcome(OutcomeEvent.label(request, version, predicted, actual));
        }
    }

    /** The arm the current configuration gives a request; null (counted) for unknown models. */
    private @Nullable String arm(RouteRequest request) {
        RouteDecision d = decideQuietly(request);
        if (d.version() == null) {
            unattributedOutcomes.incrementAndGet();
            return null;
        }
        return d.version();
    }

    /** @return outcomes and labels dropped because the router did not know their model */
    long unattributedOutcomes() {
        return unattributedOutcomes.get();
    }

    @Override
    public <I, O> RoutedModel<I, O> bind(ModelBinding<I, O> binding) {
        Objects.requireNonNull(binding, "binding");
        return new DefaultRoutedModel<>(this, binding, this::shadowRunner,
                this::fallbackExecutor);
    }

    @Override
    public List<ShadowStatistics> shadowStatistics() {
        ShadowRunner r = shadowRunner;
        return r == null ? List.of() : r.statistics();
    }

    ShadowRunner shadowRunner() {
        ShadowRunner r = shadowRunner;
        if (r == null) {
            synchronized (writeLock) {
                r = shadowRunner;
                if (r == null) {
                    r = new ShadowRunner(shadowSettings, clock, hooks.asList());
                    shadowRunner = r;
                    if (closed) {
                        r.close(); // first shadow call after close: CLOSED, and no threads
                    }
                }
            }
        }
        return r;
    }

    /** Runs canaries that have a primary-path timeout; bounded, daemon threads. */
    ExecutorService fallbackExecutor() {
        ExecutorService e = fallbackExecutor;
        if (e == null) {
            synchronized (writeLock) {
                e = fallbackExecutor;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    e = new ThreadPoolExecutor(0, 64, 60, TimeUnit.SECONDS,
                            new SynchronousQueue<>(), r -> {
                                Thread t = new Thread(r, "release-router-canary-"
                                        + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    fallbackExecutor = e;
                }
            }
        }
        return e;
    }

    @Override
    public RouterConfig config() {
        return snapshot.config;
    }

    @Override
    public long configRevision() {
        return snapshot.revision;
    }

    @Override
    public RouterStatus status() {
        ShadowRunner r = shadowRunner;
        long hookErrors = r == null ? 0 : r.hookErrors();
        int stragglers = r == null ? 0 : r.stragglers();
        return new RouterStatus(snapshot.revision, source.description(), reloads.get(),
                reloadFailures.get(), lastReloadError,
                internalErrors.get() + hookErrors + ledger.ledgerFailures(),
                watcherAlive(), stragglers, components(r));
    }

    /**
     * Each contributor's answer; one that throws or answers null is reported, not thrown. Once
     * the shadow runner exists, its own status comes first, as component {@code shadow}.
     */
    private Map<String, ComponentStatus> components(@Nullable ShadowRunner runner) {
        if (statusContributors.isEmpty() && runner == null) {
            return Map.of();
        }
        Map<String, ComponentStatus> out = new LinkedHashMap<>();
        if (runner != null) {
            out.put("shadow", runner.status());
        }
        statusContributors.forEach((name, contributor) -> {
            ComponentStatus c;
            try {
                c = contributor.get();
                if (c == null) {
                    c = ComponentStatus.unknown("status contributor returned null");
                }
            } catch (Throwable t) {
                Throwables.rethrowIfFatal(t);
                c = ComponentStatus.unknown("status contributor threw " + t);
            }
            out.put(name, c);
        });
        return out;
    }

    /** Whether the source still follows its changes; a source that cannot say is not alive. */
    private boolean watcherAlive() {
        try {
            return closed || source.watcherAlive();
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            return false;
        }
    }

    // ---------------------------------------------------------------- flag source

    /**
     * Receives the flag source's changes. A private object rather than the router itself, so that
     * no holder of the {@code Router} can push a configuration by casting it to
     * {@link FlagSource.Listener}.
     */
    private final class SourceListener implements FlagSource.Listener {

        @Override
        public void onChange(RouterConfig next) {
            reload(next);
        }

        @Override
        public void onError(ConfigException error) {
            reloadRefused(error);
        }
    }

    /** Applies the flag source's new base configuration (on the source's thread). */
    private void reload(RouterConfig next) {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            if (next.equals(base)) {
                lastReloadError = null; // back to what is in force, e.g. a bad write reverted
                return;
            }
            try {
                RouterConfig effective = overrides.apply(next);
                long rev = snapshot.revision + 1;
                Snapshot s = Snapshot.compile(effective, rev, secret, ledger, clock);
                ConfigDiff diff = ConfigDiff.between(base, next);
                record(new AuditEvent(clock.instant(), actor(), "config.reload",
                        source.description(), diff.beforeJson(), diff.afterJson(),
                        "flag source changed", null, rev));
                base = next;
                snapshot = s;
                lastReloadError = null;
                reloads.incrementAndGet();
                LOG.info("Release Router: configuration from {} now at revision {}",
                        source.description(), rev);
            } catch (ConfigException e) {
                ConfigException located = e.locatedIn(source.description(), "");
                reloadFailures.incrementAndGet();
                lastReloadError = located;
                LOG.warn("Release Router: reload refused (the new configuration conflicts with "
                        + "runtime overrides); keeping revision {}: {}",
                        snapshot.revision, located.getMessage());
            } catch (Throwable e) {
                // E.g. the audit sink cannot write, or an Error from compiling or auditing: the
                // change is refused, and the status must not claim that the source's content is
                // in force. Never rethrown, even a fatal error: this runs on the flag source's
                // thread, which must go on to apply the next change (a kill switch).
                reloadFailures.incrementAndGet();
                try {
                    lastReloadError = new ConfigException(source.description(), "", null,
                            "reload refused, keeping revision " + snapshot.revision + ": " + e, e);
                    LOG.error("Release Router: reload refused, keeping revision {}",
                            snapshot.revision, e);
                } catch (Throwable ignored) {
                    // Counted above; reporting failed too (out of memory?).
                }
            }
        }
    }

    /** Counts a reload the source refused itself (invalid or unreadable content). */
    private void reloadRefused(ConfigException error) {
        // The source logs the error once per distinct bad content; here it is only counted.
        reloadFailures.incrementAndGet();
        lastReloadError = error;
    }

    // ---------------------------------------------------------------- admin write primitives
    // Called by DefaultRouterAdmin only, which validates the arguments and says what to change.

    /** The audited before and after of a change. */
    record BeforeAfter(@Nullable String before, @Nullable String after) {}

    /**
     * The one way overrides change: validate (compile), audit, then publish; {@code beforeAfter}
     * gets the effective configurations in force and to be published.
     *
     * @throws IllegalStateException if the router is closed, or the audit sink failed
     */
    void change(ChangeContext change, String action, String target,
            BiFunction<RouterConfig, RouterConfig, BeforeAfter> beforeAfter,
            UnaryOperator<Overrides> op) {
        Objects.requireNonNull(change, "change");
        synchronized (writeLock) {
            ensureOpen();
            // Compare-and-set on the store, so a change made meanwhile on another instance is
            // kept: on a conflict, take the store's overrides and apply this change to them.
            for (int attempt = 1; ; attempt++) {
                Overrides current = overrides;
                Overrides next = op.apply(current);
                RouterConfig effective = next.apply(base);
                long rev = snapshot.revision + 1;
                Snapshot s = Snapshot.compile(effective, rev, secret, ledger, clock);
                BeforeAfter ba = beforeAfter.apply(snapshot.config, effective);
                String content = OverridesCodec.write(next);
                long expected = overridesRevision;
                Optional<OverrideDocument> written = change.fence().isPresent()
                        ? overrideStore.compareAndSet(expected, content, change.fence().get())
                        : overrideStore.compareAndSet(expected, content);
                if (written.isEmpty()) {
                    if (attempt >= MAX_OVERRIDE_ATTEMPTS) {
                        throw new IllegalStateException("the override store changed "
                                + attempt + " times while this change was made; refused");
                    }
                    OverrideDocument latest = overrideStore.load();
                    overrides = OverridesCodec.read(latest.content());
                    overridesRevision = latest.revision();
                    continue;
                }
                try {
                    record(event(change, action, target, ba.before(), ba.after(), rev));
                } catch (Throwable e) {
                    // Refused for want of its audit entry (an OutOfMemoryError included, which
                    // record() rethrows as is): take it back from the store too, or the store's
                    // notification would apply it here and on every other router, unaudited.
                    revertOverrides(written.get(), current);
                    throw e;
                }
                overrides = next;
                overridesRevision = written.get().revision();
                snapshot = s;
                return;
            }
        }
    }

    /** Writes back the previous overrides after a stored change whose audit failed. */
    private void revertOverrides(OverrideDocument written, Overrides previous) {
        try {
            Optional<OverrideDocument> back = overrideStore.compareAndSet(written.revision(),
                    OverridesCodec.write(previous));
            if (back.isPresent()) {
                overridesRevision = back.get().revision();
                return;
            }
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
        }
        internalErrors.incrementAndGet();
        LOG.error("Release Router: an override change whose audit failed stays in the override "
                + "store (revision {}); other instances may apply it", written.revision());
    }

    /**
     * Forgets what a candidate's budget consumed, audited as {@code budget.reset}.
     *
     * @throws IllegalStateException if the router is closed, or the audit sink failed
     */
    void resetBudget(String model, String version, ChangeContext change) {
        synchronized (writeLock) {
            ensureOpen();
            BudgetState s = ledger.find(model, version);
            String before = s == null ? null
                    : "{\"granted\":" + s.granted() + ",\"value_micros\":" + s.valueMicros() + "}";
            record(event(change, "budget.reset", model + "/" + version, before, null,
                    snapshot.revision));
            if (s != null) {
                s.reset();
            }
        }
    }

    /**
     * Replaces the base configuration (overrides stay), audited as {@code config.apply}.
     *
     * @throws ConfigException if the configuration with the overrides applied is invalid
     * @throws IllegalStateException if the router is closed, or the audit sink failed
     */
    void applyConfig(RouterConfig config, ChangeContext change) {
        synchronized (writeLock) {
            ensureOpen();
            RouterConfig effective = overrides.apply(config);
            long rev = snapshot.revision + 1;
            Snapshot s = Snapshot.compile(effective, rev, secret, ledger, clock);
            ConfigDiff diff = ConfigDiff.between(base, config);
            record(event(change, "config.apply", "programmatic", diff.beforeJson(),
                    diff.afterJson(), rev));
            base = config;
            snapshot = s;
        }
    }

    /**
     * Records a change before it takes effect. The sink is user code: a RuntimeException passes
     * as it is, any other non-fatal Throwable (an AssertionError, a NoClassDefFoundError) becomes
     * an {@link IllegalStateException}. Either way the change is refused (the caller's catch, or
     * the admin caller, sees it) and nothing is published without its audit entry.
     */
    private void record(AuditEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            throw new IllegalStateException("the audit sink failed (" + t.getClass().getName()
                    + "); the change is refused", t);
        }
    }

    private AuditEvent event(ChangeContext c, String action, String target,
            @Nullable String before, @Nullable String after, long rev) {
        return new AuditEvent(clock.instant(), c.actor(), action, target, before, after,
                c.reason(), c.ticket(), rev);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the router is closed");
        }
    }

    /**
     * Closes the flag source, the shadow runner (bounded wait, then the pair store), the canary
     * executor, the exposure sink (after delivering what is queued, bounded wait), the budget
     * ledger (after giving back local allotments) and the audit sink, in
     * that order. Each step runs even if an earlier one failed:
     * what a source, store or sink throws is counted in {@code internalErrors} and logged, never
     * propagated, except a fatal VM error (see {@link Throwables}), rethrown once every step ran.
     */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Throwable fatal = null;
        fatal = closeStep("flag source", fatal, source::close);
        ShadowRunner r;
        synchronized (writeLock) {
            r = shadowRunner; // after closed is set, no runner can appear unclosed
        }
        if (r != null) {
            // Drains shadow calls within the close timeout, then flushes the pair store; it
            // counts a failing store itself.
            fatal = closeStep("shadow runner", fatal, r::close);
        } else if (shadowSettings.pairStore() != null) {
            // Never used, but its writer may run.
            fatal = closeStep("pair store", fatal, shadowSettings.pairStore()::close);
        }
        if (r == null && shadowSettings.telemetrySink() != null) {
            ShadowTelemetrySink sink = shadowSettings.telemetrySink();
            fatal = closeStep("shadow telemetry sink", fatal, () -> {
                try {
                    sink.close();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
        }
        ExecutorService e = fallbackExecutor;
        if (e != null) {
            fatal = closeStep("canary executor", fatal, e::shutdownNow);
        }
        ExposureLog log = exposures;
        if (log != null) {
            // Delivers what is queued (bounded wait), then flushes and closes the sink.
            fatal = closeStep("exposure sink", fatal, log::close);
        }
        Subscription sub = overridesSubscription;
        if (sub != null) {
            fatal = closeStep("override subscription", fatal, sub::close);
        }
        fatal = closeStep("override store", fatal, overrideStore::close);
        fatal = closeStep("budget ledger", fatal, ledger::close);
        fatal = closeStep("audit sink", fatal, audit::close);
        if (fatal != null) {
            throw (VirtualMachineError) fatal;
        }
    }

    /** Runs one close step; returns the first fatal error seen so far. */
    private @Nullable Throwable closeStep(String what, @Nullable Throwable fatal, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
            LOG.warn("Release Router: closing the {} failed ({})", what, t.getClass().getName());
            if (fatal == null && Throwables.isFatal(t)) {
                return t;
            }
        }
        return fatal;
    }
}
