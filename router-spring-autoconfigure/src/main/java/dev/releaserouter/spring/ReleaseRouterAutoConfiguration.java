package dev.releaserouter.spring;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.core.exposure.ExposureSettings;
import dev.releaserouter.core.exposure.JsonlExposureSink;
import dev.releaserouter.core.exposure.Slf4jExposureSink;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.micrometer.ArmMetrics;
import dev.releaserouter.micrometer.RolloutMetrics;
import dev.releaserouter.micrometer.RouteObservations;
import dev.releaserouter.micrometer.RouterMetrics;
import dev.releaserouter.micrometer.ShadowMetrics;
import dev.releaserouter.rollout.ChangeGuard;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.spring.actuate.RouterEndpoint;
import dev.releaserouter.spring.actuate.RouterEndpointWebExtension;
import dev.releaserouter.spring.actuate.RouterHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures a {@link Router} from {@link RouterProperties} ({@code router.*}) and a flag
 * file, with its {@link RouterAdmin} as a separate bean (inject the {@code Router} into request
 * code, the {@code RouterAdmin} only where routing is changed), applies {@link
 * dev.releaserouter.api.annotation.ShadowV2} to beans, binds Micrometer meters when a {@code
 * MeterRegistry} bean exists, and contributes the {@code router} actuator endpoint and health
 * indicator when Spring Boot Actuator is present.
 *
 * <p>Every bean backs off when the application defines one of the same type (or, for the health
 * indicator, the same name); {@link ReleaseRouterBuilderCustomizer} and
 * {@link ShadowSettingsCustomizer} beans adjust the router without replacing it. Set
 * {@code router.enabled=false} to configure nothing.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure"
            + ".CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnProperty(prefix = "router", name = "enabled", havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties(RouterProperties.class)
public class ReleaseRouterAutoConfiguration {

    /** Created by Spring. */
    public ReleaseRouterAutoConfiguration() {
    }

    /**
     * The flag file: the watched {@code router.flags.path} (falling back to the classpath
     * resource while it does not exist), or the classpath resource {@code router.flags.location}.
     * The router owns it and closes it.
     *
     * @param properties the properties
     * @return the source
     * @throws RouterPropertyException if the location, poll interval or size limit is invalid
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public FlagSource routerFlagSource(RouterProperties properties) {
        RouterProperties.Flags flags = properties.getFlags();
        String location = flags.getLocation();
        if (location == null || location.isBlank()) {
            throw new RouterPropertyException("router.flags.location", "'" + location + "'",
                    "must name a classpath resource", null);
        }
        String resource = location.startsWith("classpath:")
                ? location.substring("classpath:".length()) : location;
        long maxSize = flags.getMaxSize() == null ? -1 : flags.getMaxSize().toBytes();
        if (maxSize <= 0) {
            throw new RouterPropertyException("router.flags.max-size",
                    String.valueOf(flags.getMaxSize()), "must be a positive size, e.g. 16MB",
                    null);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        FlagSource classpath = FlagSources.classpath(resource,
                loader != null ? loader : FlagSources.class.getClassLoader(), maxSize);
        Path path = flags.getPath();
        if (path == null) {
            return classpath;
        }
        try {
            return FlagSources.fileBuilder(path)
                    .pollInterval(flags.getPollInterval())
                    .maxSize(maxSize)
                    .fallback(classpath)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.flags.poll-interval",
                    String.valueOf(flags.getPollInterval()), "must be positive", e);
        }
    }

    /**
     * Reports {@code router.*} keys that are not Release Router properties (misspellings) at
     * startup, as {@code router.unknown-properties} says: a WARN naming the near matches
     * (default), a startup failure, or nothing.
     *
     * @param environment the application's environment
     * @param properties the properties
     * @return a marker of the check having run
     * @throws RouterPropertyException in {@code fail} mode, naming the first unknown key
     */
    @Bean
    @ConditionalOnMissingBean
    public RouterPropertiesCheck routerPropertiesCheck(Environment environment,
            RouterProperties properties) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        UnknownRouterProperties.check(environment, properties.getUnknownProperties(),
                loader != null ? loader : RouterProperties.class.getClassLoader());
        return new RouterPropertiesCheck();
    }

    /**
     * The audit file, when {@code router.audit.file} is set. The router owns it and closes it.
     *
     * @param properties the properties
     * @return the hash-chained JSON Lines sink
     * @throws RouterPropertyException if the file cannot be opened
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "router.audit", name = "file")
    public AuditSink routerAuditSink(RouterProperties properties) {
        Path file = properties.getAudit().getFile();
        try {
            return JsonlAuditSink.open(file);
        } catch (RuntimeException e) {
            throw new RouterPropertyException("router.audit.file", String.valueOf(file),
                    "must be a writable file (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Exposure events, when {@code router.exposures.enabled=true}: to the {@code ExposureSink}
     * bean if there is one, else to JSON Lines files in {@code router.exposures.jsonl-directory}
     * if set, else to the log. The router owns the sink and closes it.
     *
     * @param properties the properties
     * @param sink an application-defined sink, if any
     * @return a customizer that sets the router's exposure settings
     * @throws RouterPropertyException if a {@code router.exposures.*} property is refused
     */
    @Bean
    @ConditionalOnProperty(prefix = "router.exposures", name = "enabled", havingValue = "true")
    public ReleaseRouterBuilderCustomizer routerExposuresCustomizer(RouterProperties properties,
            ObjectProvider<ExposureSink> sink) {
        RouterProperties.Exposures p = properties.getExposures();
        ExposureSettings.Builder b = ExposureSettings.builder(exposureSink(p, sink));
        exposureProperty("deduplication-window", p.getDeduplicationWindow(),
                () -> b.deduplicationWindow(p.getDeduplicationWindow()));
        exposureProperty("queue-capacity", p.getQueueCapacity(),
                () -> b.queueCapacity(p.getQueueCapacity()));
        exposureProperty("attributes", p.getAttributes(),
                () -> b.attributes(p.getAttributes().toArray(String[]::new)));
        if (!p.isHashEntityKeys()) {
            b.plainEntityKeys();
        }
        ExposureSettings settings = b.build();
        return builder -> builder.exposures(settings);
    }

    private static ExposureSink exposureSink(RouterProperties.Exposures p,
            ObjectProvider<ExposureSink> sink) {
        ExposureSink bean = sink.getIfAvailable();
        if (bean != null) {
            return bean;
        }
        Path dir = p.getJsonlDirectory();
        if (dir == null) {
            return new Slf4jExposureSink();
        }
        try {
            return JsonlExposureSink.builder(dir).build();
        } catch (RuntimeException e) {
            throw new RouterPropertyException("router.exposures.jsonl-directory",
                    String.valueOf(dir), "must be a writable directory (" + e.getMessage() + ")",
                    e);
        }
    }

    private static void exposureProperty(String name, Object value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RouterPropertyException("router.exposures." + name, String.valueOf(value),
                    String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * The router's admin: the capability to change routing at runtime (kill switches, weights,
     * stages), used by the {@code router} actuator endpoint and by application beans that change
     * routing (a {@link RolloutController}, release governance). The router is built from the
     * properties, the flag source, the audit sink and the {@link RouteHook} beans (measurements,
     * metrics, observations, your own), then adjusted by the customizers. Not configured when
     * the application defines its own {@code Router} or {@code RouterAdmin} bean.
     *
     * @param properties the properties
     * @param flagSource the flag file
     * @param auditSink the audit sink, if any
     * @param overrideStore where runtime overrides are kept, if the application defines one
     *     (e.g. a fleet-wide store); in memory otherwise
     * @param budgetLedger where exposure budgets are consumed, if the application defines one;
     *     in memory otherwise
     * @param hooks route hooks (e.g. {@link ArmMeasurements}, {@link ShadowMetrics},
     *     {@link RouteObservations}), registered in their bean order
     * @param shadowCustomizers shadow settings customizers
     * @param customizers builder customizers
     * @param models {@link ModelBinding} beans, registered so that
     *     {@code router.route(request, input)} dispatches to them by model name
     * @return the admin of the new router (the {@code Router} bean, closed with the context)
     * @throws RouterPropertyException if a property is refused
     * @throws ConfigException if the flag file is invalid
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean({RouterAdmin.class, Router.class})
    public RouterAdmin releaseRouterAdmin(RouterProperties properties, FlagSource flagSource,
            ObjectProvider<AuditSink> auditSink, ObjectProvider<OverrideStore> overrideStore,
            ObjectProvider<BudgetLedger> budgetLedger, ObjectProvider<RouteHook> hooks,
            ObjectProvider<ShadowSettingsCustomizer> shadowCustomizers,
            ObjectProvider<ReleaseRouterBuilderCustomizer> customizers,
            ObjectProvider<ModelBinding<?, ?>> models) {
        ReleaseRouter.Builder builder = ReleaseRouter.builder().flagSource(flagSource);
        String secret = properties.getHashSecret();
        if (secret != null) {
            try {
                builder.hashSecretHex(secret);
            } catch (IllegalArgumentException e) {
                throw new RouterPropertyException("router.hash-secret",
                        "<" + secret.length() + " characters, not shown>", e.getMessage(), e);
            }
        }
        builder.shadow(shadowSettings(properties.getShadow(), shadowCustomizers));
        auditSink.ifAvailable(builder::auditSink);
        overrideStore.ifAvailable(builder::overrideStore);
        budgetLedger.ifAvailable(builder::budgetLedger);
        hooks.orderedStream().forEach(builder::hook);
        models.orderedStream().forEach(binding -> {
            try {
                builder.model(binding);
            } catch (IllegalArgumentException e) {
                throw new RouterWiringException("ModelBinding bean for model '"
                        + binding.model() + "'", e.getMessage(), "Define one ModelBinding bean"
                        + " per model, with every version of that model in it.", e);
            }
        });
        customizers.orderedStream().forEach(c -> c.customize(builder));
        try {
            return builder.buildWithAdmin();
        } catch (ConfigException | RouterPropertyException e) {
            throw e; // the failure analyzer names the file and pointer, or the property
        } catch (RuntimeException e) {
            throw new RouterWiringException("the Release Router bean", "it could not start: "
                    + e.getMessage(), "Check the cause below; the flag source, audit sink,"
                    + " override store and budget ledger beans and the customizers all take"
                    + " part in starting it (see docs/spring.md).", e);
        }
    }

    /**
     * The router: what request code injects to {@code decide} and {@code route}. It is the
     * {@link RouterAdmin} bean's router; it cannot change routing itself.
     *
     * @param admin the router's admin
     * @return {@code admin.router()}; closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Router releaseRouter(RouterAdmin admin) {
        return admin.router();
    }

    private static ShadowSettings shadowSettings(RouterProperties.Shadow shadow,
            ObjectProvider<ShadowSettingsCustomizer> customizers) {
        ShadowSettings.Builder b = ShadowSettings.builder();
        try {
            b.threads(shadow.getThreads());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.shadow.threads",
                    String.valueOf(shadow.getThreads()), e.getMessage(), e);
        }
        try {
            b.queueCapacity(shadow.getQueueCapacity());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.shadow.queue-capacity",
                    String.valueOf(shadow.getQueueCapacity()), e.getMessage(), e);
        }
        try {
            b.timeout(shadow.getTimeout());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.shadow.timeout",
                    String.valueOf(shadow.getTimeout()), e.getMessage(), e);
        }
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * Builds the {@link dev.releaserouter.api.RouteRequest} of {@code @ShadowV2} calls from the
     * annotation's SpEL expressions.
     *
     * @return the resolver
     */
    @Bean
    @ConditionalOnMissingBean
    public RouteRequestResolver routeRequestResolver() {
        return new SpelRouteRequestResolver();
    }

    /**
     * Applies {@code @ShadowV2} to beans; validates annotated methods at startup.
     *
     * @param router the router, looked up on first use
     * @param resolver the request resolver, looked up on first use
     * @return the post-processor
     */
    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    public static ShadowV2BeanPostProcessor shadowV2BeanPostProcessor(
            ObjectProvider<Router> router, ObjectProvider<RouteRequestResolver> resolver) {
        return new ShadowV2BeanPostProcessor(router::getObject, resolver::getObject);
    }

    /**
     * Per-arm measurements registered on the router as a hook, with
     * {@code router.measurements.enabled=true}: every {@code route(...)} feeds them, and
     * {@code Rollouts.start(admin, plan)} finds them. A {@code MeasurementWindowStore} bean, if
     * any (e.g. a fleet store shared by every instance), receives their closed windows and
     * serves them back merged; otherwise they keep an in-memory one.
     *
     * @param properties the properties
     * @param windowStore the window store bean, if any
     * @return the measurements
     * @throws RouterPropertyException if the window or the retained windows are refused
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "router.measurements", name = "enabled",
            havingValue = "true")
    public ArmMeasurements routerArmMeasurements(RouterProperties properties,
            ObjectProvider<MeasurementWindowStore> windowStore) {
        ArmMeasurements.Builder b = armMeasurements(properties);
        windowStore.ifAvailable(b::windowStore);
        return b.build();
    }

    /** A builder with {@code router.measurements.*} applied (shared with fleet mode). */
    static ArmMeasurements.Builder armMeasurements(RouterProperties properties) {
        RouterProperties.Measurements m = properties.getMeasurements();
        ArmMeasurements.Builder b = ArmMeasurements.builder();
        try {
            b.window(m.getWindow());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.measurements.window",
                    String.valueOf(m.getWindow()), e.getMessage(), e);
        }
        try {
            b.retainedWindows(m.getRetainedWindows());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.measurements.retained-windows",
                    String.valueOf(m.getRetainedWindows()), e.getMessage(), e);
        }
        return b;
    }

    /** Micrometer meters, with router-micrometer present and a {@code MeterRegistry} bean. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, RouterMetrics.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RouterMetrics routerMetrics(Router router) {
            return new RouterMetrics(router);
        }

        @Bean
        @ConditionalOnMissingBean
        ShadowMetrics routerShadowMetrics(MeterRegistry registry) {
            return new ShadowMetrics(registry);
        }

        @Bean
        @ConditionalOnMissingBean
        ArmMetrics routerArmMetrics(MeterRegistry registry, RouterProperties properties) {
            return ArmMetrics.builder(registry)
                    .allowTenants(properties.getMetrics().getAllowedTenants())
                    .build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "routerRolloutMeterBinder")
        MeterBinder routerRolloutMeterBinder(ObjectProvider<RolloutController> controllers,
                ObjectProvider<RouterRollouts> rollouts) {
            return registry -> rolloutControllers(controllers, rollouts)
                    .forEach(c -> new RolloutMetrics(c).bindTo(registry));
        }
    }

    /** {@code router.route} observations, when an {@code ObservationRegistry} bean exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ObservationRegistry.class, RouteObservations.class})
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean(RouteObservations.class)
        RouteObservations routerRouteObservations(ObservationRegistry registry) {
            return RouteObservations.of(registry);
        }
    }

    /**
     * The {@code router} actuator endpoint, when Spring Boot Actuator is present and there is a
     * {@link RouterAdmin} bean (the endpoint changes routing through it).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @Conditional(RouterAdminAvailable.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RouterEndpoint routerEndpoint(RouterAdmin admin,
                ObjectProvider<RolloutController> controllers,
                ObjectProvider<RouterRollouts> rollouts) {
            return new RouterEndpoint(admin, () -> rolloutControllers(controllers, rollouts));
        }

        @Bean
        @ConditionalOnMissingBean
        RouterEndpointWebExtension routerEndpointWebExtension(RouterEndpoint endpoint) {
            return new RouterEndpointWebExtension(endpoint);
        }
    }

    /** The {@code router} health indicator, when Spring Boot's health module is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "routerHealthIndicator")
        RouterHealthIndicator routerHealthIndicator(Router router,
                ObjectProvider<RolloutController> controllers,
                ObjectProvider<RouterRollouts> rollouts, RouterProperties properties) {
            String degraded = properties.getHealth().getDegradedStatus();
            Status status = switch (String.valueOf(degraded).trim().toUpperCase(Locale.ROOT)) {
                case "UP" -> Status.UP;
                case "OUT_OF_SERVICE" -> Status.OUT_OF_SERVICE;
                case "DOWN" -> Status.DOWN;
                default -> throw new RouterPropertyException("router.health.degraded-status",
                        "'" + degraded + "'", "must be UP, OUT_OF_SERVICE or DOWN", null);
            };
            return new RouterHealthIndicator(router,
                    () -> rolloutControllers(controllers, rollouts), status);
        }
    }

    /**
     * The application's {@link RolloutController} beans, then those of
     * {@code router.rollouts.*}.
     */
    static Stream<RolloutController> rolloutControllers(
            ObjectProvider<RolloutController> beans, ObjectProvider<RouterRollouts> rollouts) {
        return Stream.concat(beans.orderedStream(), rollouts.orderedStream()
                .flatMap(r -> r.controllers().values().stream()));
    }

    /**
     * The rollouts of {@code router.rollouts.<name>.*}: each built into a plan and its controller
     * started through the {@link RouterAdmin} bean; the bean ticks them while the context runs
     * (see docs/spring.md, Rollouts from properties).
     *
     * @param properties the properties
     * @param environment the environment, whose {@code router.rollouts.*} keys are checked
     * @param admin the router's admin, if there is one (a rollout changes routing through it)
     * @param resources reads the policy files
     * @param stateStore a state store bean, if any (fleet mode defines one)
     * @param lease a rollout lease bean, if any (fleet mode defines one)
     * @param guard a change guard bean (freeze windows), if any, that every rollout honours
     * @param metricSources external metric source beans, registered on the plans whose policy
     *     reads them
     * @return the rollouts, started; none without {@code router.rollouts.*} properties
     * @throws RouterPropertyException naming the first refused rollout property
     */
    @Bean
    @ConditionalOnMissingBean
    public RouterRollouts routerRollouts(RouterProperties properties, Environment environment,
            ObjectProvider<RouterAdmin> admin, ResourceLoader resources,
            ObjectProvider<RolloutStateStore> stateStore, ObjectProvider<RolloutLease> lease,
            ObjectProvider<ChangeGuard> guard,
            ObjectProvider<ExternalMetricSource> metricSources) {
        ChangeGuard g = guard.getIfUnique();
        return PropertyRollouts.start(properties, environment, admin::getIfAvailable, resources,
                stateStore.getIfUnique(), lease.getIfUnique(), new PropertyRollouts.Beans(
                        g != null ? g : ChangeGuard.NONE,
                        metricSources.orderedStream().toList()));
    }

    /**
     * Whether a {@link RouterAdmin} bean will exist: the application's own, or the one this
     * configuration builds when the application defines no {@code Router} either. Nested
     * configurations are evaluated before this class's own bean methods are registered, so a
     * plain {@code @ConditionalOnBean(RouterAdmin.class)} would not see
     * {@link #releaseRouterAdmin}.
     */
    static final class RouterAdminAvailable extends AnyNestedCondition {

        RouterAdminAvailable() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(RouterAdmin.class)
        static final class ApplicationAdmin {}

        @ConditionalOnMissingBean(Router.class)
        static final class AutoConfiguredAdmin {}
    }
}
