package dev.releaserouter.testkit;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.ReleaseRouter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Router} for unit tests of code that uses one: it answers as scripted, or as a real
 * router over a given configuration, and records every request it was asked to decide or route.
 *
 * <pre>{@code
 * FakeRouter router = FakeRouter.routeTo("v2");           // every request to candidate v2
 * ChurnService service = new ChurnService(router);        // your code; binds v1 and v2
 * service.score("customer-42");
 * assertThat(router.requests()).extracting(RouteRequest::tenant).containsExactly("acme");
 * }</pre>
 *
 * <p>Scripted routers ({@link #alwaysStable()}, {@link #routeTo(String)},
 * {@link #scripted(Function)}) call the bound version their decision names on the caller's
 * thread, or the first registered version if the decision names one that is not registered (as
 * the real router does); they never shadow, and report the shadow disposition set with
 * {@link #withShadow(ShadowDisposition)} ({@link ShadowDisposition#NOT_CONFIGURED} by default).
 * {@link #wrapping(RouterConfig)} uses the real router instead: decisions, shadowing and
 * statistics are the real ones.
 *
 * <p>Changing routing in a test: a {@code Router} cannot change routing (that is the separate
 * {@link RouterAdmin} capability), and neither can a fake through the {@code Router} interface.
 * A fake that wraps a real router hands out that router's admin through its own
 * {@link #admin()} method, e.g. to kill a version half-way through a test:
 *
 * <pre>{@code
 * FakeRouter router = FakeRouter.wrapping(TestFlagFiles.readClasspath("flags.json"));
 * router.admin().kill(KillTarget.version("churn", "v2"), ChangeContext.of("test", "kill v2"));
 * }</pre>
 *
 * <p>{@link #route(RouteRequest, Object)} routes to the model bound last under the request's
 * model name with {@link #bind} (a fake has no builder to register models on).
 *
 * <p>Thread-safe: the record is a copy-on-write list, the bound models a concurrent map. Closing
 * a router that wraps a real one closes it.
 */
public final class FakeRouter implements Router {

    private final @Nullable Function<RouteRequest, RouteDecision> script;
    private final @Nullable Router delegate;
    private final @Nullable RouterAdmin admin;
    private final RouterConfig config;
    private final ShadowDisposition shadow;
    private final List<RouteRequest> seen = new CopyOnWriteArrayList<>();
    private final Map<String, RoutedModel<?, ?>> bound = new ConcurrentHashMap<>();
    private final List<OutcomeEvent> outcomes = new CopyOnWriteArrayList<>();

    private FakeRouter(@Nullable Function<RouteRequest, RouteDecision> script,
            @Nullable Router delegate, RouterConfig config, ShadowDisposition shadow) {
        this(script, delegate, null, config, shadow);
    }

    private FakeRouter(@Nullable Function<RouteRequest, RouteDecision> script,
            @Nullable Router delegate, @Nullable RouterAdmin admin, RouterConfig config,
            ShadowDisposition shadow) {
        this.script = script;
        this.delegate = delegate;
        this.admin = admin;
        this.config = config;
        this.shadow = shadow;
    }

    /**
     * Every request goes to the stable version: the model's stable version if
     * {@link #withConfig(RouterConfig)} names one, else {@code v1}; reason
     * {@link Reason#STABLE_BUCKET}.
     *
     * @return the router
     */
    public static FakeRouter alwaysStable() {
        return new FakeRouter(null, null, RouterConfig.EMPTY, ShadowDisposition.NOT_CONFIGURED);
    }

    /**
     * Every request goes to the given version as a candidate ({@link Role#CANDIDATE},
     * {@link Reason#CANARY_BUCKET}).
     *
     * @param version the version id, e.g. {@code v2}
     * @return the router
     * @throws NullPointerException if {@code version} is null
     */
    public static FakeRouter routeTo(String version) {
        Objects.requireNonNull(version, "version");
        return scripted(r -> RouteDecision.withoutBucket(
                version, Role.CANDIDATE, Reason.CANARY_BUCKET, 1));
    }

    /**
     * Every request is decided by the given function, e.g. by tenant.
     *
     * @param script returns the decision for a request; its exceptions reach the caller of
     *     {@code decide} or {@code route}
     * @return the router
     * @throws NullPointerException if {@code script} is null
     */
    public static FakeRouter scripted(Function<RouteRequest, RouteDecision> script) {
        return new FakeRouter(Objects.requireNonNull(script, "script"), null, RouterConfig.EMPTY,
                ShadowDisposition.NOT_CONFIGURED);
    }

    /**
     * A real router ({@code ReleaseRouter.builder().config(config)}, default hash secret, no
     * audit output) that records the requests it sees: the most faithful fake. Its routing
     * changes through {@link #admin()}.
     *
     * @param config the configuration, e.g. {@code TestFlagFiles.readClasspath("flags.json")}
     * @return the router; close it to stop the real router's shadow threads
     * @throws dev.releaserouter.api.config.ConfigException if the configuration is invalid
     */
    public static FakeRouter wrapping(RouterConfig config) {
        RouterAdmin real = ReleaseRouter.builder().config(config).auditSink(event -> { })
                .buildWithAdmin();
        return new FakeRouter(null, real.router(), real, config,
                ShadowDisposition.NOT_CONFIGURED);
    }

    /**
     * Records the requests an administered router sees, answering with its decisions; its
     * routing changes through {@link #admin()}.
     *
     * @param admin the admin of the router to wrap (e.g. from
     *     {@code ReleaseRouter.builder()...buildWithAdmin()}); its router is closed when this one
     *     is closed
     * @return the router
     * @throws NullPointerException if {@code admin} is null
     */
    public static FakeRouter wrapping(RouterAdmin admin) {
        Objects.requireNonNull(admin, "admin");
        Router router = admin.router();
        return new FakeRouter(null, router, admin, router.config(),
                ShadowDisposition.NOT_CONFIGURED);
    }

    /**
     * Records the requests another router sees, answering with its decisions.
     *
     * @param router the router; closed when this one is closed
     * @return the router
     * @throws NullPointerException if {@code router} is null
     */
    public static FakeRouter wrapping(Router router) {
        Objects.requireNonNull(router, "router");
        return new FakeRouter(null, router, router.config(), ShadowDisposition.NOT_CONFIGURED);
    }

    /**
     * A scripted router that reports a configuration from {@link #config()} (and takes its stable
     * versions for {@link #alwaysStable()}), e.g. to run {@link RouterInvariants#forRouter} on it.
     * The record is not shared with this router.
     *
     * @param config the configuration to report
     * @return a new router with the same script
     * @throws IllegalStateException if this router wraps a real one
     */
    public FakeRouter withConfig(RouterConfig config) {
        requireScripted("withConfig");
        return new FakeRouter(script, null, Objects.requireNonNull(config, "config"), shadow);
    }

    /**
     * A scripted router whose routed results report the given shadow disposition (nothing is
     * actually shadowed). The record is not shared with this router.
     *
     * @param disposition the disposition, e.g. {@link ShadowDisposition#SCHEDULED}
     * @return a new router with the same script
     * @throws IllegalStateException if this router wraps a real one
     */
    public FakeRouter withShadow(ShadowDisposition disposition) {
        requireScripted("withShadow");
        return new FakeRouter(script, null, config,
                Objects.requireNonNull(disposition, "disposition"));
    }

    private void requireScripted(String what) {
        if (delegate != null) {
            throw new IllegalStateException(what + " applies to scripted fakes, not to a fake "
                    + "that wraps a real router");
        }
    }

    /**
     * Records the request and decides it.
     *
     * @param request the request
     * @return the scripted or real decision
     */
    @Override
    public RouteDecision decide(RouteRequest request) {
        seen.add(Objects.requireNonNull(request, "request"));
        return decideUnrecorded(request);
    }

    private RouteDecision decideUnrecorded(RouteRequest request) {
        Router d = delegate;
        if (d != null) {
            return d.decide(request);
        }
        Function<RouteRequest, RouteDecision> s = script;
        if (s != null) {
            return Objects.requireNonNull(s.apply(request), "the script returned null");
        }
        var m = config.model(request.model());
        String stable = m != null ? m.stableVersion() : "v1";
        return RouteDecision.withoutBucket(stable, Role.STABLE, Reason.STABLE_BUCKET, 1);
    }

    /**
     * Binds a model: its {@code route} records the request, decides it like {@link #decide} and
     * calls the chosen registered version on the caller's thread.
     *
     * @param binding the versions and options
     * @return the routed model
     */
    @Override
    public <I, O> RoutedModel<I, O> bind(ModelBinding<I, O> binding) {
        Router d = delegate;
        RoutedModel<I, O> m;
        if (d != null) {
            m = new RecordingRoutedModel<>(d.bind(binding), seen::add);
        } else {
            m = new ScriptedRoutedModel<>(binding, r -> {
                seen.add(r);
                return decideUnrecorded(r);
            }, shadow);
        }
        bound.put(binding.model(), m);
        return m;
    }

    /**
     * Routes to the model last bound under the request's model name with {@link #bind}.
     *
     * @param request the request
     * @param input the model input
     * @param <I> input type of that binding
     * @param <O> output type of that binding
     * @return what that bound model's {@code route} returns
     * @throws IllegalArgumentException if no model of that name was bound
     */
    @Override
    public <I, O> RouteResult<O> route(RouteRequest request, I input) {
        return this.<I, O>bound(request).route(request, input);
    }

    /**
     * Routes asynchronously to the model last bound under the request's model name.
     *
     * @param request the request
     * @param input the model input
     * @param <I> input type of that binding
     * @param <O> output type of that binding
     * @return what that bound model's {@code routeAsync} returns
     * @throws IllegalArgumentException if no model of that name was bound
     */
    @Override
    public <I, O> CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input) {
        return this.<I, O>bound(request).routeAsync(request, input);
    }

    @SuppressWarnings("unchecked") // the binding's types are the caller's, as on Router
    private <I, O> RoutedModel<I, O> bound(RouteRequest request) {
        RoutedModel<I, O> m = (RoutedModel<I, O>) bound.get(request.model());
        if (m == null) {
            throw new IllegalArgumentException("no model '" + request.model()
                    + "' was bound to this FakeRouter; call bind(ModelBinding...) first");
        }
        return m;
    }

    /** Records the outcome, joined to its arm; see {@link #outcomes()}. */
    @Override
    public void recordOutcome(RouteRequest request, String name, double value) {
        Objects.requireNonNull(name, "name");
        String version = decideUnrecorded(Objects.requireNonNull(request, "request")).version();
        if (version != null) {
            outcomes.add(OutcomeEvent.outcome(request, version, name, value));
        }
    }

    /** Records the label, joined to its arm; see {@link #outcomes()}. */
    @Override
    public void recordLabel(RouteRequest request, double predicted, double actual) {
        String version = decideUnrecorded(Objects.requireNonNull(request, "request")).version();
        if (version != null) {
            outcomes.add(OutcomeEvent.label(request, version, predicted, actual));
        }
    }

    /**
     * @return the outcomes and labels recorded so far, joined to their arms, oldest first; an
     *     immutable snapshot
     */
    public List<OutcomeEvent> outcomes() {
        return List.copyOf(outcomes);
    }

    /**
     * @return the requests decided or routed so far, oldest first; an immutable snapshot
     */
    public List<RouteRequest> requests() {
        return List.copyOf(seen);
    }

    /**
     * @param model a model name
     * @return the requests for that model, oldest first; an immutable snapshot
     */
    public List<RouteRequest> requests(String model) {
        return seen.stream().filter(r -> r.model().equals(model))
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * @return the most recent request
     * @throws IllegalStateException if there was none
     */
    public RouteRequest lastRequest() {
        List<RouteRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("the router has seen no request");
        }
        return all.get(all.size() - 1);
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        seen.clear();
    }

    /** @return the wrapped router's configuration, or the one given to {@link #withConfig} */
    @Override
    public RouterConfig config() {
        Router d = delegate;
        return d != null ? d.config() : config;
    }

    /** @return the wrapped router's revision, or 1 */
    @Override
    public long configRevision() {
        Router d = delegate;
        return d != null ? d.configRevision() : 1;
    }

    /** @return the wrapped router's status, or an up-to-date status with source {@code fake} */
    @Override
    public RouterStatus status() {
        Router d = delegate;
        return d != null ? d.status() : new RouterStatus(1, "fake", 0, 0, null, 0);
    }

    /** @return the wrapped router's shadow statistics, or none */
    @Override
    public List<ShadowStatistics> shadowStatistics() {
        Router d = delegate;
        return d != null ? d.shadowStatistics() : List.of();
    }

    /**
     * The admin of the wrapped real router, to change its routing in a test (kill switches,
     * weights, stages). Not part of the {@link Router} interface: code under test that holds
     * this fake as a {@code Router} cannot reach it, as with a real router. Changes made through
     * it are seen by this fake's {@code decide} and {@code route}; {@code admin().router()} is
     * the wrapped router, which does not record requests.
     *
     * @return the wrapped router's admin; never null
     * @throws UnsupportedOperationException for a scripted fake, which has nothing to administer
     *     (use {@link #wrapping(RouterConfig)}), or one made with {@link #wrapping(Router)},
     *     whose admin it was not given (use {@link #wrapping(RouterAdmin)})
     */
    public RouterAdmin admin() {
        RouterAdmin a = admin;
        if (a == null) {
            throw new UnsupportedOperationException(delegate == null
                    ? "a scripted FakeRouter has no admin; use FakeRouter.wrapping(config) to "
                            + "test admin changes"
                    : "this FakeRouter wraps a Router without its admin; use "
                            + "FakeRouter.wrapping(routerAdmin) to test admin changes");
        }
        return a;
    }

    /** Closes the wrapped router, if any. Idempotent. */
    @Override
    public void close() {
        Router d = delegate;
        if (d != null) {
            d.close();
        }
    }

    @Override
    public String toString() {
        return "FakeRouter[" + (delegate != null ? "wrapping " + delegate : "scripted") + ", "
                + seen.size() + " requests]";
    }
}
