package dev.releaserouter.spring;

import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Fleet mode on Redis: with {@code router.fleet.redis.uri} set and router-redis on the
 * classpath, a {@link RedisFleet} bean (closed with the context) whose SPIs the auto-configured
 * router uses, so that every instance of the application shares one kill switch, one budget,
 * one set of measurement windows and one audit trail:
 *
 * <ul>
 *   <li>{@link OverrideStore}, {@link BudgetLedger} and {@link MeasurementWindowStore} beans,
 *       the fleet's, picked up by {@link ReleaseRouterAutoConfiguration};
 *   <li>an {@link AuditSink} bean writing to the fleet's Redis Stream, unless the application
 *       defines an {@code AuditSink} or sets {@code router.audit.file} (explicit configuration
 *       wins: your bean, then the file, then the fleet);
 *   <li>{@link Lease} and {@link RolloutStateStore} beans, for a {@code RolloutController} bean
 *       of yours to lead the fleet's rollout and resume it on another instance, and a
 *       {@link RolloutLease} bean (this instance's id, {@code rollout-lease-ttl}) that the
 *       rollouts of {@code router.rollouts.*} hold;
 *   <li>with {@code router.measurements.enabled}, the {@link ArmMeasurements} bean, appending its
 *       windows to the fleet with the instance id as their source;
 *   <li>the fleet's connectivity registered as the router's {@code fleet} component
 *       ({@code router.status().components()}, the health indicator).
 * </ul>
 *
 * <p>Each bean backs off when the application defines one of the same type (a {@code RedisFleet}
 * bean of yours is used instead of the one built from the properties). Redis being unreachable
 * at startup does not fail startup: the fleet connects in the background and the router serves
 * its flag file meanwhile. A URI that cannot be parsed does, naming the property and the value
 * (a password in it is shown as {@code ***}).
 */
@AutoConfiguration(before = ReleaseRouterAutoConfiguration.class)
@ConditionalOnClass(RedisFleet.class)
@ConditionalOnProperty(prefix = "router", name = "enabled", havingValue = "true",
        matchIfMissing = true)
@ConditionalOnProperty(prefix = "router.fleet.redis", name = "uri")
@EnableConfigurationProperties(RouterProperties.class)
public class RouterFleetAutoConfiguration {

    private static final Pattern USER_INFO = Pattern.compile("//[^@/]*@");

    /** Created by Spring. */
    public RouterFleetAutoConfiguration() {
    }

    /**
     * The fleet, built from {@code router.fleet.redis.*}; it starts connecting at once and is
     * closed with the context (after the router, which uses it).
     *
     * @param properties the properties
     * @return the fleet
     * @throws RouterPropertyException if a {@code router.fleet.redis.*} property is refused
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RedisFleet routerRedisFleet(RouterProperties properties) {
        RouterProperties.Redis p = properties.getFleet().getRedis();
        String uri = p.getUri();
        RedisFleet.Builder b;
        try {
            b = RedisFleet.builder(String.valueOf(uri));
        } catch (IllegalArgumentException e) {
            throw badUri(uri, e);
        }
        String instanceId = p.getInstanceId();
        if (instanceId != null) {
            try {
                b.instanceId(instanceId);
            } catch (IllegalArgumentException e) {
                throw new RouterPropertyException("router.fleet.redis.instance-id",
                        "'" + instanceId + "'", e.getMessage(), e);
            }
        }
        try {
            b.commandTimeout(p.getCommandTimeout());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RouterPropertyException("router.fleet.redis.command-timeout",
                    String.valueOf(p.getCommandTimeout()), String.valueOf(e.getMessage()), e);
        }
        try {
            b.keyPrefix(p.getKeyPrefix());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RouterPropertyException("router.fleet.redis.key-prefix",
                    "'" + p.getKeyPrefix() + "'", String.valueOf(e.getMessage()), e);
        }
        try {
            b.budgetAllotment(p.getBudgetAllotment());
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException("router.fleet.redis.budget-allotment",
                    String.valueOf(p.getBudgetAllotment()), e.getMessage(), e);
        }
        Path spool = p.getDeferredAuditSpool();
        if (spool != null) {
            Path dir = spool.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new RouterPropertyException("router.fleet.redis.deferred-audit-spool",
                        "'" + spool + "'", "its directory " + dir + " does not exist", null);
            }
            b.deferredAuditSpool(spool);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw badUri(uri, e);
        }
    }

    /**
     * A refused URI, with any password masked, in the message and without a cause that could
     * still carry it (the client's own messages may quote the URI).
     */
    private static RouterPropertyException badUri(@Nullable String uri, Exception e) {
        String problem = String.valueOf(e.getMessage());
        if (uri != null) {
            String secret = userInfo(uri);
            if (secret != null && !secret.isEmpty()) {
                problem = problem.replace(secret, "***");
            }
        }
        problem = USER_INFO.matcher(problem).replaceAll("//***@");
        return new RouterPropertyException("router.fleet.redis.uri",
                "'" + redact(uri) + "'", "must be a Redis URI such as redis://host:6379 ("
                        + problem + ")", null);
    }

    private static @Nullable String userInfo(String uri) {
        int start = uri.indexOf("//");
        int at = uri.indexOf('@', start + 2);
        return start < 0 || at < 0 ? null : uri.substring(start + 2, at);
    }

    /**
     * @param uri a URI, or null
     * @return the URI with its user information replaced by {@code ***}
     */
    static String redact(@Nullable String uri) {
        return uri == null ? "null" : USER_INFO.matcher(uri).replaceAll("//***@");
    }

    /**
     * @param fleet the fleet
     * @return the fleet's override store (closed by the fleet, not by the context)
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public OverrideStore routerFleetOverrideStore(RedisFleet fleet) {
        return fleet.overrideStore();
    }

    /**
     * @param fleet the fleet
     * @return the fleet's budget ledger (closed by the fleet)
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public BudgetLedger routerFleetBudgetLedger(RedisFleet fleet) {
        return fleet.budgetLedger();
    }

    /**
     * @param fleet the fleet
     * @return the fleet's measurement window store
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public MeasurementWindowStore routerFleetWindowStore(RedisFleet fleet) {
        return fleet.windowStore();
    }

    /**
     * The fleet's lease table, for a {@code RolloutController} bean:
     * {@code Rollouts.builder(admin, plan).stateStore(store)
     * .lease(new RolloutLease(lease, fleet.instanceId(), Duration.ofSeconds(30))).start()}.
     *
     * @param fleet the fleet
     * @return the fleet's lease table
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public Lease routerFleetLease(RedisFleet fleet) {
        return fleet.lease();
    }

    /**
     * @param fleet the fleet
     * @return the fleet's rollout state store (fenced writes), for a {@code RolloutController}
     *     bean
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public RolloutStateStore routerFleetRolloutStateStore(RedisFleet fleet) {
        return fleet.rolloutStateStore();
    }

    /**
     * The lease the rollouts of {@code router.rollouts.*} hold to act, so that one instance of
     * the fleet leads each model's rollout and another resumes it from the fleet's state store
     * if the leader stops: held as this instance's id, for
     * {@code router.fleet.redis.rollout-lease-ttl}.
     *
     * @param lease the lease table (the fleet's unless the application has one)
     * @param fleet the fleet
     * @param properties the properties
     * @return the rollout lease settings
     * @throws RouterPropertyException if the TTL is not positive
     */
    @Bean
    @ConditionalOnMissingBean
    public RolloutLease routerFleetRolloutLease(Lease lease, RedisFleet fleet,
            RouterProperties properties) {
        Duration ttl = properties.getFleet().getRedis().getRolloutLeaseTtl();
        try {
            return new RolloutLease(lease, fleet.instanceId(), ttl);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RouterPropertyException("router.fleet.redis.rollout-lease-ttl",
                    String.valueOf(ttl), "must be a positive duration", e);
        }
    }

    /**
     * The fleet's audit trail, unless the application defines an {@code AuditSink} or sets
     * {@code router.audit.file}. While Redis is down, the router's start entry and flag-file
     * reloads (a kill switch) are not refused: their entries are deferred and replayed when Redis
     * is back; other changes are refused (see {@link RedisFleet#auditSink()}).
     *
     * @param fleet the fleet
     * @return the fleet's audit sink (closed by the fleet)
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    @Conditional(NoAuditFile.class)
    public AuditSink routerFleetAuditSink(RedisFleet fleet) {
        return fleet.auditSink();
    }

    /**
     * Registers the fleet's connectivity as the router's {@code fleet} component.
     *
     * @param fleet the fleet
     * @return the customizer
     */
    @Bean
    public ReleaseRouterBuilderCustomizer routerFleetStatusContributor(RedisFleet fleet) {
        return builder -> builder.statusContributor("fleet", fleet::componentStatus);
    }

    /**
     * The measurements, with {@code router.measurements.enabled}: the fleet's window store, this
     * instance's id as their source.
     *
     * @param properties the properties
     * @param fleet the fleet
     * @param windowStore the window store bean (the fleet's unless the application has one)
     * @return the measurements
     * @throws RouterPropertyException if the window or the retained windows are refused
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "router.measurements", name = "enabled",
            havingValue = "true")
    public ArmMeasurements routerArmMeasurements(RouterProperties properties, RedisFleet fleet,
            MeasurementWindowStore windowStore) {
        ArmMeasurements.Builder b = ReleaseRouterAutoConfiguration.armMeasurements(properties);
        return b.windowStore(windowStore).source(fleet.instanceId()).build();
    }

    /** True unless {@code router.audit.file} is set. */
    static final class NoAuditFile extends NoneNestedConditions {

        NoAuditFile() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "router.audit", name = "file")
        static final class AuditFile {}
    }
}
