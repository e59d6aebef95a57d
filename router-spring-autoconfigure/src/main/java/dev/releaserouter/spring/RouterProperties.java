package dev.releaserouter.spring;

import dev.releaserouter.core.shadow.ShadowSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code router.*} properties of the auto-configured router. Values are checked when the
 * router is built: a bad one fails startup with a {@link RouterPropertyException} that names the
 * property (see {@link RouterFailureAnalyzer}).
 *
 * <p>A mutable bean bound by Spring at startup; not thread-safe, and not meant to be changed
 * after binding.
 */
@ConfigurationProperties("router")
public class RouterProperties {

    /** Whether to auto-configure a router at all. */
    private boolean enabled = true;

    /**
     * The secret of the assignment hash, as exactly 32 hex digits (16 bytes); generate one with
     * 'java -jar router-cli-VERSION-all.jar secret' or 'openssl rand -hex 16'. Without it the
     * router uses a public default and logs a warning: assignments can then be predicted.
     */
    private @Nullable String hashSecret;

    /**
     * What to do with router.* keys that are not Release Router properties (misspellings):
     * warn (log each with its near matches), fail (refuse to start) or ignore.
     */
    private String unknownProperties = "warn";

    private final Flags flags = new Flags();

    private final Shadow shadow = new Shadow();

    private final Metrics metrics = new Metrics();

    private final Measurements measurements = new Measurements();

    private final Audit audit = new Audit();

    private final Fleet fleet = new Fleet();

    private final Health health = new Health();

    private final Exposures exposures = new Exposures();

    /**
     * Rollouts that Spring Boot starts, ticks and stops, by name: each router.rollouts.NAME.*
     * group is one RolloutPlan (see docs/spring.md, Rollouts from properties).
     */
    private final Map<String, Rollout> rollouts = new LinkedHashMap<>();

    /**
     * Whether the router is auto-configured.
     *
     * @return true by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the router is auto-configured.
     *
     * @param enabled false to configure nothing
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * What to do with unknown {@code router.*} keys.
     *
     * @return warn (the default), fail or ignore
     */
    public String getUnknownProperties() {
        return unknownProperties;
    }

    /**
     * Sets what to do with unknown {@code router.*} keys.
     *
     * @param unknownProperties warn, fail or ignore
     */
    public void setUnknownProperties(String unknownProperties) {
        this.unknownProperties = unknownProperties;
    }

    /**
     * The hash secret in hex.
     *
     * @return the secret, or null for the public default
     */
    public @Nullable String getHashSecret() {
        return hashSecret;
    }

    /**
     * Sets the hash secret.
     *
     * @param hashSecret exactly 32 hex digits, or null
     */
    public void setHashSecret(@Nullable String hashSecret) {
        this.hashSecret = hashSecret;
    }

    /**
     * Where the flag file comes from.
     *
     * @return the flag file properties; never null
     */
    public Flags getFlags() {
        return flags;
    }

    /**
     * The shadow executor.
     *
     * @return the shadow properties; never null
     */
    public Shadow getShadow() {
        return shadow;
    }

    /**
     * Metric tags.
     *
     * @return the metrics properties; never null
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * The audit trail.
     *
     * @return the audit properties; never null
     */
    public Audit getAudit() {
        return audit;
    }

    /**
     * Fleet mode.
     *
     * @return the fleet properties; never null
     */
    public Fleet getFleet() {
        return fleet;
    }

    /**
     * The {@code router} health indicator.
     *
     * @return the health properties; never null
     */
    public Health getHealth() {
        return health;
    }

    /**
     * Exposure (assignment) events.
     *
     * @return {@code router.exposures.*}; never null
     */
    public Exposures getExposures() {
        return exposures;
    }

    /**
     * The rollouts Spring Boot runs, by name.
     *
     * @return {@code router.rollouts.*}, in the order they were configured; never null
     */
    public Map<String, Rollout> getRollouts() {
        return rollouts;
    }

    /**
     * {@code router.rollouts.<name>.*}: one rollout, built into a
     * {@code dev.releaserouter.rollout.RolloutPlan}, started with {@code Rollouts} when the
     * context starts, ticked every {@code tick-interval} and stopped when the context closes.
     */
    public static class Rollout {

        /** Whether this rollout is started. */
        private boolean enabled = true;

        /**
         * A rollout plan file (seed 003's ml.gradual_rollout keys, with a shadow phase, promotion
         * and backout verification; see docs/rollout.md): classpath:..., file:... or a URL. JSON,
         * or YAML by its .yaml/.yml name on disk. Replaces model, versions, stages, checkpoint,
         * min-samples, policy, dry-run and max-failed-ticks, which must not be set with it.
         */
        private @Nullable String planFile;

        /** The model, as in the flag file. Required. */
        private @Nullable String model;

        /** The stable version; defaults to the model's stable version in the flag file. */
        private @Nullable String stableVersion;

        /** The candidate version the rollout walks (approved in the flag file). Required. */
        private @Nullable String candidateVersion;

        /**
         * The candidate's traffic at each stage, in percent (at most two decimals), strictly
         * increasing, e.g. 5,25,50,100. Required.
         */
        private List<BigDecimal> stages = new ArrayList<>();

        /** How long each checkpoint lasts before the policy judges it. */
        private Duration checkpointDuration = Duration.ofMinutes(30);

        /** Samples each arm needs in a checkpoint before the rollout may advance. */
        private long minSamples = 10;

        /**
         * The policy file that judges each checkpoint (JSON, or YAML by its .yaml/.yml name):
         * classpath:..., file:... or a URL. Required.
         */
        private @Nullable String policy;

        /** Whether the rollout only evaluates and records, changing nothing in the router. */
        private boolean dryRun;

        /** Failed ticks in a row (1 to 1000) after which the candidate is killed (fail-safe). */
        private int maxFailedTicks = 3;

        /** How often the rollout is ticked: its rollback latency. */
        private Duration tickInterval = Duration.ofSeconds(10);

        /** Who the rollout's changes are attributed to in the audit trail. */
        private String actor = "rollout-controller";

        /**
         * A directory where the rollout's state and decisions are kept across restarts (one
         * file per model); without it, the RolloutStateStore bean if there is one (fleet mode
         * defines one), else memory (a restart starts the rollout over).
         */
        private @Nullable Path stateDirectory;

        /**
         * Whether the rollout is started.
         *
         * @return true by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the rollout is started.
         *
         * @param enabled false to leave it out
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The plan file's location.
         *
         * @return the location, or null to build the plan from these properties
         */
        public @Nullable String getPlanFile() {
            return planFile;
        }

        /**
         * Sets the plan file's location.
         *
         * @param planFile classpath:..., file:... or a URL, or null
         */
        public void setPlanFile(@Nullable String planFile) {
            this.planFile = planFile;
        }

        /**
         * The model.
         *
         * @return the model, or null if not set
         */
        public @Nullable String getModel() {
            return model;
        }

        /**
         * Sets the model.
         *
         * @param model a model of the flag file
         */
        public void setModel(@Nullable String model) {
            this.model = model;
        }

        /**
         * The stable version.
         *
         * @return the version, or null for the flag file's stable version
         */
        public @Nullable String getStableVersion() {
            return stableVersion;
        }

        /**
         * Sets the stable version.
         *
         * @param stableVersion a version of the model, or null
         */
        public void setStableVersion(@Nullable String stableVersion) {
            this.stableVersion = stableVersion;
        }

        /**
         * The candidate version.
         *
         * @return the version, or null if not set
         */
        public @Nullable String getCandidateVersion() {
            return candidateVersion;
        }

        /**
         * Sets the candidate version.
         *
         * @param candidateVersion a version of the model
         */
        public void setCandidateVersion(@Nullable String candidateVersion) {
            this.candidateVersion = candidateVersion;
        }

        /**
         * The stages in percent.
         *
         * @return the stages; never null
         */
        public List<BigDecimal> getStages() {
            return stages;
        }

        /**
         * Sets the stages.
         *
         * @param stages percentages, strictly increasing, each above 0 and at most 100
         */
        public void setStages(List<BigDecimal> stages) {
            this.stages = stages;
        }

        /**
         * The checkpoint duration.
         *
         * @return 30 minutes by default
         */
        public Duration getCheckpointDuration() {
            return checkpointDuration;
        }

        /**
         * Sets the checkpoint duration.
         *
         * @param checkpointDuration a positive duration
         */
        public void setCheckpointDuration(Duration checkpointDuration) {
            this.checkpointDuration = checkpointDuration;
        }

        /**
         * The samples per arm a checkpoint needs.
         *
         * @return 10 by default
         */
        public long getMinSamples() {
            return minSamples;
        }

        /**
         * Sets the samples per arm a checkpoint needs.
         *
         * @param minSamples at least 0
         */
        public void setMinSamples(long minSamples) {
            this.minSamples = minSamples;
        }

        /**
         * The policy file's location.
         *
         * @return the location, or null if not set
         */
        public @Nullable String getPolicy() {
            return policy;
        }

        /**
         * Sets the policy file's location.
         *
         * @param policy classpath:..., file:... or a URL
         */
        public void setPolicy(@Nullable String policy) {
            this.policy = policy;
        }

        /**
         * Whether the rollout is a dry run.
         *
         * @return false by default
         */
        public boolean isDryRun() {
            return dryRun;
        }

        /**
         * Sets whether the rollout is a dry run.
         *
         * @param dryRun true to evaluate and record only
         */
        public void setDryRun(boolean dryRun) {
            this.dryRun = dryRun;
        }

        /**
         * The failed ticks in a row before the fail-safe.
         *
         * @return 3 by default
         */
        public int getMaxFailedTicks() {
            return maxFailedTicks;
        }

        /**
         * Sets the failed ticks in a row before the fail-safe.
         *
         * @param maxFailedTicks 1 to 1000
         */
        public void setMaxFailedTicks(int maxFailedTicks) {
            this.maxFailedTicks = maxFailedTicks;
        }

        /**
         * The time between ticks.
         *
         * @return 10 seconds by default
         */
        public Duration getTickInterval() {
            return tickInterval;
        }

        /**
         * Sets the time between ticks.
         *
         * @param tickInterval a positive duration
         */
        public void setTickInterval(Duration tickInterval) {
            this.tickInterval = tickInterval;
        }

        /**
         * The audit actor.
         *
         * @return {@code rollout-controller} by default
         */
        public String getActor() {
            return actor;
        }

        /**
         * Sets the audit actor.
         *
         * @param actor a non-blank name
         */
        public void setActor(String actor) {
            this.actor = actor;
        }

        /**
         * The state directory.
         *
         * @return the directory, or null
         */
        public @Nullable Path getStateDirectory() {
            return stateDirectory;
        }

        /**
         * Sets the state directory.
         *
         * @param stateDirectory an existing directory, or null
         */
        public void setStateDirectory(@Nullable Path stateDirectory) {
            this.stateDirectory = stateDirectory;
        }
    }

    /**
     * {@code router.exposures.*}: exposure (assignment) events, see docs/exposures.md. Off
     * unless {@code enabled}; the sink is an {@code ExposureSink} bean if there is one, else
     * JSON Lines files in {@code jsonl-directory} if set, else the log.
     */
    public static class Exposures {

        /** Whether decisions emit exposure events. */
        private boolean enabled;

        /** A directory of rotating JSON Lines files (when no ExposureSink bean is defined). */
        private @Nullable Path jsonlDirectory;

        /** One event per (model, entity, version) per this window; 0 emits every decision. */
        private Duration deduplicationWindow = Duration.ofHours(1);

        /** Whether entity keys are written as HMAC-SHA256 (keyed from the hash secret). */
        private boolean hashEntityKeys = true;

        /** The request attributes copied into events; others never are. */
        private List<String> attributes = new ArrayList<>();

        /** The most events waiting for the sink; more are dropped and counted. */
        private int queueCapacity = 10_000;

        /** @return whether exposures are on (false by default) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether exposures are on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the JSON Lines directory, or null */
        public @Nullable Path getJsonlDirectory() {
            return jsonlDirectory;
        }

        /** @param jsonlDirectory the JSON Lines directory, or null */
        public void setJsonlDirectory(@Nullable Path jsonlDirectory) {
            this.jsonlDirectory = jsonlDirectory;
        }

        /** @return the deduplication window */
        public Duration getDeduplicationWindow() {
            return deduplicationWindow;
        }

        /** @param deduplicationWindow the deduplication window */
        public void setDeduplicationWindow(Duration deduplicationWindow) {
            this.deduplicationWindow = deduplicationWindow;
        }

        /** @return whether entity keys are hashed (true by default) */
        public boolean isHashEntityKeys() {
            return hashEntityKeys;
        }

        /** @param hashEntityKeys whether entity keys are hashed */
        public void setHashEntityKeys(boolean hashEntityKeys) {
            this.hashEntityKeys = hashEntityKeys;
        }

        /** @return the allowed attribute names */
        public List<String> getAttributes() {
            return attributes;
        }

        /** @param attributes the allowed attribute names */
        public void setAttributes(List<String> attributes) {
            this.attributes = attributes;
        }

        /** @return the queue capacity */
        public int getQueueCapacity() {
            return queueCapacity;
        }

        /** @param queueCapacity the queue capacity */
        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }
    }

    /** {@code router.flags.*}: the flag file. */
    public static class Flags {

        /**
         * The flag file on the classpath (a leading "classpath:" is accepted). Used as it is
         * when no path is set, and as the fallback while the watched path does not exist.
         */
        private String location = "router-flags.json";

        /**
         * A flag file on disk (e.g. a mounted ConfigMap) that is watched and reloaded when it
         * changes; a bad new file is rejected and the last good configuration kept.
         */
        private @Nullable Path path;

        /** How often the watched file's attributes are compared (at most 1 second). */
        private Duration pollInterval = Duration.ofMillis(250);

        /**
         * The largest flag file (watched file and classpath resource) that is read; a larger one
         * is refused before it is read. Applying a file takes time in proportion to its size
         * (docs/benchmarks.md).
         */
        private DataSize maxSize = DataSize.ofMegabytes(16);

        /**
         * The classpath resource.
         *
         * @return the resource name; never null
         */
        public String getLocation() {
            return location;
        }

        /**
         * Sets the classpath resource.
         *
         * @param location the resource name, optionally prefixed by {@code classpath:}
         */
        public void setLocation(String location) {
            this.location = location;
        }

        /**
         * The watched file.
         *
         * @return the path, or null to use the classpath resource only
         */
        public @Nullable Path getPath() {
            return path;
        }

        /**
         * Sets the watched file.
         *
         * @param path the path, or null
         */
        public void setPath(@Nullable Path path) {
            this.path = path;
        }

        /**
         * The poll interval of the watched file.
         *
         * @return the interval; never null
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval a positive duration, at most 1 second
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * The size limit of the flag file.
         *
         * @return the limit; never null
         */
        public DataSize getMaxSize() {
            return maxSize;
        }

        /**
         * Sets the size limit of the flag file, e.g. {@code 32MB}.
         *
         * @param maxSize a positive size
         */
        public void setMaxSize(DataSize maxSize) {
            this.maxSize = maxSize;
        }
    }

    /** {@code router.shadow.*}: the bounded executor shadow calls run on. */
    public static class Shadow {

        /** Shadow calls running at once (the bulkhead); default cores - 1, at least 1. */
        private int threads = ShadowSettings.defaultThreads();

        /** Shadow calls waiting; when full, a call is dropped and counted. */
        private int queueCapacity = 256;

        /** Hard limit of one shadow call; it is interrupted and counted as a timeout. */
        private Duration timeout = Duration.ofSeconds(5);

        /**
         * The number of shadow threads.
         *
         * @return the threads
         */
        public int getThreads() {
            return threads;
        }

        /**
         * Sets the number of shadow threads.
         *
         * @param threads a positive number
         */
        public void setThreads(int threads) {
            this.threads = threads;
        }

        /**
         * The queue capacity.
         *
         * @return the capacity
         */
        public int getQueueCapacity() {
            return queueCapacity;
        }

        /**
         * Sets the queue capacity.
         *
         * @param queueCapacity a positive number
         */
        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        /**
         * The timeout of one shadow call.
         *
         * @return the timeout; never null
         */
        public Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets the timeout of one shadow call.
         *
         * @param timeout a positive duration
         */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /**
     * The per-arm measurements settings.
     *
     * @return {@code router.measurements.*}
     */
    public Measurements getMeasurements() {
        return measurements;
    }

    /**
     * {@code router.measurements.*}: per-arm measurements ({@code ArmMeasurements}) registered on
     * the router as a hook, so every {@code route(...)} feeds them.
     */
    public static class Measurements {

        /** Whether to create an ArmMeasurements bean and register it on the router. */
        private boolean enabled;

        /** Length of one tumbling window (whole milliseconds, at least 1 ms). */
        private Duration window = Duration.ofMinutes(1);

        /** How many windows are kept (1 to 100000). */
        private int retainedWindows = 60;

        /**
         * Whether measurements are enabled.
         *
         * @return false by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether measurements are enabled.
         *
         * @param enabled true to measure every routed call per arm
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The window length.
         *
         * @return one minute by default
         */
        public Duration getWindow() {
            return window;
        }

        /**
         * Sets the window length.
         *
         * @param window whole milliseconds, at least 1 ms
         */
        public void setWindow(Duration window) {
            this.window = window;
        }

        /**
         * The number of windows kept.
         *
         * @return 60 by default
         */
        public int getRetainedWindows() {
            return retainedWindows;
        }

        /**
         * Sets the number of windows kept.
         *
         * @param retainedWindows 1 to 100000
         */
        public void setRetainedWindows(int retainedWindows) {
            this.retainedWindows = retainedWindows;
        }
    }

    /** {@code router.metrics.*}: metric tags. */
    public static class Metrics {

        /**
         * Tenants that get their own value of the tenant tag on the per-arm meters; every other
         * tenant is tagged "other", so tag cardinality stays bounded.
         */
        private List<String> allowedTenants = new ArrayList<>();

        /**
         * The tenant allow-list.
         *
         * @return the tenants; never null
         */
        public List<String> getAllowedTenants() {
            return allowedTenants;
        }

        /**
         * Sets the tenant allow-list.
         *
         * @param allowedTenants the tenants
         */
        public void setAllowedTenants(List<String> allowedTenants) {
            this.allowedTenants = allowedTenants;
        }
    }

    /** {@code router.audit.*}: the audit trail. */
    public static class Audit {

        /**
         * A hash-chained JSON Lines file every change is appended to. Without it, changes are
         * audited to the log (SLF4J).
         */
        private @Nullable Path file;

        /**
         * The audit file.
         *
         * @return the file, or null to audit to the log
         */
        public @Nullable Path getFile() {
            return file;
        }

        /**
         * Sets the audit file.
         *
         * @param file the file, or null
         */
        public void setFile(@Nullable Path file) {
            this.file = file;
        }
    }

    /** {@code router.fleet.*}: fleet mode, one kill switch, budget, rollout and audit trail. */
    public static class Fleet {

        private final Redis redis = new Redis();

        /**
         * Fleet mode on Redis.
         *
         * @return {@code router.fleet.redis.*}; never null
         */
        public Redis getRedis() {
            return redis;
        }
    }

    /**
     * {@code router.fleet.redis.*}: fleet mode on Redis (needs router-redis on the classpath).
     * Setting the URI turns it on.
     */
    public static class Redis {

        /**
         * The Redis URI, e.g. redis://redis:6379 (rediss:// for TLS,
         * redis://user:password@host:port/db). Setting it turns fleet mode on.
         */
        private @Nullable String uri;

        /**
         * This instance's id in the fleet: in audit actors, measurement sources and lease
         * holders. Defaults to the host name and a short random suffix.
         */
        private @Nullable String instanceId;

        /**
         * How long any Redis call may take before it fails (1 ms to 60 s); also the connect
         * timeout.
         */
        private Duration commandTimeout = Duration.ofMillis(500);

        /**
         * What every key and channel of the fleet starts with; fleets with different prefixes
         * share nothing.
         */
        private String keyPrefix = "release-router:";

        /** Budget units an instance takes from Redis at a time (1 to 1000000). */
        private int budgetAllotment = 50;

        /**
         * How long the lease of a router.rollouts.* rollout lasts without renewal: the leader
         * renews it on every tick (tick-interval at most a third of it); another instance takes
         * the rollout over this long after the leader stops.
         */
        private Duration rolloutLeaseTtl = Duration.ofSeconds(30);

        /**
         * The rollout lease's TTL.
         *
         * @return 30 seconds by default
         */
        public Duration getRolloutLeaseTtl() {
            return rolloutLeaseTtl;
        }

        /**
         * Sets the rollout lease's TTL.
         *
         * @param rolloutLeaseTtl a positive duration
         */
        public void setRolloutLeaseTtl(Duration rolloutLeaseTtl) {
            this.rolloutLeaseTtl = rolloutLeaseTtl;
        }

        /**
         * A local file that keeps this instance's deferred audit entries across a restart while
         * Redis is down (on a persistent volume, one per instance); none by default.
         */
        private @Nullable Path deferredAuditSpool;

        /**
         * The deferred audit spool file.
         *
         * @return the file, or null for none (entries wait in memory)
         */
        public @Nullable Path getDeferredAuditSpool() {
            return deferredAuditSpool;
        }

        /**
         * Sets the deferred audit spool file.
         *
         * @param deferredAuditSpool the file (its directory must exist), or null
         */
        public void setDeferredAuditSpool(@Nullable Path deferredAuditSpool) {
            this.deferredAuditSpool = deferredAuditSpool;
        }

        /**
         * The Redis URI.
         *
         * @return the URI, or null when fleet mode is off
         */
        public @Nullable String getUri() {
            return uri;
        }

        /**
         * Sets the Redis URI.
         *
         * @param uri a redis://, rediss:// or redis-socket:// URI, or null
         */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }

        /**
         * This instance's id.
         *
         * @return the id, or null for a generated one
         */
        public @Nullable String getInstanceId() {
            return instanceId;
        }

        /**
         * Sets this instance's id.
         *
         * @param instanceId a non-blank id, or null
         */
        public void setInstanceId(@Nullable String instanceId) {
            this.instanceId = instanceId;
        }

        /**
         * The command timeout.
         *
         * @return 500 ms by default
         */
        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        /**
         * Sets the command timeout.
         *
         * @param commandTimeout 1 ms to 60 s
         */
        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        /**
         * The key prefix.
         *
         * @return {@code release-router:} by default
         */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /**
         * Sets the key prefix.
         *
         * @param keyPrefix non-empty, without whitespace
         */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /**
         * The budget allotment.
         *
         * @return 50 by default
         */
        public int getBudgetAllotment() {
            return budgetAllotment;
        }

        /**
         * Sets the budget allotment.
         *
         * @param budgetAllotment 1 to 1000000
         */
        public void setBudgetAllotment(int budgetAllotment) {
            this.budgetAllotment = budgetAllotment;
        }
    }

    /** {@code router.health.*}: the {@code router} health indicator. */
    public static class Health {

        /**
         * The health status while a component the router depends on (the fleet's Redis) is
         * degraded: UP (the default: the router still answers every request from its local
         * state, failing safe, so a Redis outage must not take every replica out of service),
         * OUT_OF_SERVICE or DOWN. The details show the component either way.
         */
        private String degradedStatus = "UP";

        /**
         * The status reported while a component is degraded.
         *
         * @return {@code UP} by default
         */
        public String getDegradedStatus() {
            return degradedStatus;
        }

        /**
         * Sets the status reported while a component is degraded.
         *
         * @param degradedStatus UP, OUT_OF_SERVICE or DOWN
         */
        public void setDegradedStatus(String degradedStatus) {
            this.degradedStatus = degradedStatus;
        }
    }
}
