package docsnippets;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.micrometer.ArmMetrics;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.stats.ArmSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;

/**
 * What the documentation's snippets take as given: the names the prose around them introduces
 * (the reader's models and inputs, a {@code RouterAdmin admin}, a {@code policy}, ...). A
 * snippet that is a method body is compiled as a method of a subclass, so these are in scope;
 * a snippet's own declarations shadow them. Never run: only compiled.
 */
@SuppressWarnings("all")
public abstract class SnippetContext {
    // The reader's data and models.
    protected String customerId;
    protected String tenant;
    protected String region;
    protected String t;
    protected String r;
    protected Features features;
    protected ChurnModel churnV1;
    protected ChurnModel churnV2;
    protected ModelBinding<Features, Double> churnBinding;
    protected RoutedModel<Features, Double> churn;
    protected RouteRequest request;
    protected Set<String> labels;
    protected double predicted;
    protected double actual;
    protected long fallbacks;
    protected ArmSummary baselineErrors;
    protected ArmSummary candidateErrors;
    protected JsonNode node;
    protected Map<String, byte[]> secrets;
    protected byte[] hmacKey;
    protected String secret;
    protected Logger log;

    // The router and what the reader built before the snippet.
    protected Router router;
    protected FlagSource flags;
    protected FlagSource source;
    protected RouterAdmin admin;
    protected ChangeContext ctx;
    protected AuditSink auditSink;
    protected Policy policy;
    protected RolloutPlan plan;
    protected RolloutController rollout;
    protected RolloutStateStore sharedStore;
    protected GateInput input;
    protected RedisFleet fleet;
    protected RedisFleet redisFleet;
    protected ArmMetrics armMetrics;
    protected MeterRegistry meterRegistry;
    protected ObservationRegistry observationRegistry;

    // Time, files and threads.
    protected Clock clock;
    protected ZoneId zone;
    protected Path path;
    protected Path manifestPath;
    protected Path modelFile;
    protected ClassLoader loader;
    protected ScheduledExecutorService scheduler;
    protected ScheduledExecutorService executor;

    // What the reader does with a verdict.
    protected void advance() {}

    protected void stay() {}

    protected void killSwitch() {}

    protected void promoteIf(boolean srmOk) {}

    protected void rollBack() {}

    protected void keepWaiting() {}

    protected void log(String message) {}
}
