package dev.releaserouter.spring;

import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutPlanFile;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code router.rollouts.<name>.plan-file}: a rollout plan file ({@link RolloutPlanFile}, seed
 * 003's {@code ml.gradual_rollout} keys with the chain's shadow phase, promotion and backout
 * verification) read through Spring's resource loader. A file on disk (a {@code file:} location,
 * or a classpath resource in a directory) is read by {@link RolloutPlanFile#builder}, so a
 * relative {@code policy} in it is found next to it; a JSON resource inside a jar is read by
 * {@link RolloutPlanFile#fromMap} (a relative {@code policy} then resolves against the working
 * directory: use {@code classpath:} there). Every error names the property, and the plan file's
 * own errors the file, the JSON pointer and the value.
 *
 * <p>Runs on the startup thread; stateless.
 */
final class PlanFiles {

    /** The rollout properties a plan file replaces. */
    static final Set<String> REPLACED = Set.of("model", "stable-version", "candidate-version",
            "stages", "checkpoint-duration", "min-samples", "policy", "dry-run",
            "max-failed-ticks");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PlanFiles() {}

    /**
     * Reads the plan file and builds the plan with the application's guard and metric sources.
     *
     * @throws RouterPropertyException naming {@code <prefix>plan-file}
     */
    static RolloutPlan plan(String prefix, String location, RouterAdmin admin,
            ResourceLoader resources, PropertyRollouts.Beans beans) {
        String property = prefix + "plan-file";
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new RouterPropertyException(property, "'" + location + "'", "must name an"
                    + " existing rollout plan file (classpath:..., file:... or a URL); "
                    + resource.getDescription() + " does not exist", null);
        }
        RolloutPlan.Builder b;
        try {
            b = builder(property, location, resource);
        } catch (ConfigException | UncheckedIOException e) {
            throw new RouterPropertyException(property, "'" + location + "'",
                    "the rollout plan file is invalid: " + e.getMessage(), e);
        }
        b.calendar(beans.guard());
        // Every source bean: the controller reads only those the policy's metrics name.
        for (ExternalMetricSource source : beans.metricSources()) {
            PropertyRollouts.set(property, location, () -> b.metricSource(source));
        }
        RolloutPlan plan;
        try {
            plan = b.build();
        } catch (IllegalArgumentException e) {
            throw new RouterPropertyException(property, "'" + location + "'",
                    "the rollout plan file is invalid: " + e.getMessage(), e);
        }
        ModelConfig config = admin.router().config().model(plan.model());
        if (config == null || config.version(plan.candidateVersion()) == null) {
            throw new RouterPropertyException(property, "'" + location + "'", "its model '"
                    + plan.model() + "' with candidate '" + plan.candidateVersion() + "' is not"
                    + " in the flag file (models: " + admin.router().config().models().keySet()
                    + ")", null);
        }
        return plan;
    }

    private static RolloutPlan.Builder builder(String property, String location,
            Resource resource) {
        if (resource.isFile()) {
            try {
                return RolloutPlanFile.builder(resource.getFile().toPath());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (Policy.Format.of(location) == Policy.Format.YAML) {
            throw new RouterPropertyException(property, "'" + location + "'", "a YAML plan"
                    + " file is read from disk only (" + resource.getDescription() + " is not a"
                    + " file): write it as JSON, or point at it with file:...", null);
        }
        byte[] bytes;
        try (InputStream in = resource.getInputStream()) {
            bytes = in.readNBytes(RolloutPlanFile.MAX_SIZE_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > RolloutPlanFile.MAX_SIZE_BYTES) {
            throw new RouterPropertyException(property, "'" + location + "'", "a rollout plan"
                    + " file is at most " + RolloutPlanFile.MAX_SIZE_BYTES + " bytes", null);
        }
        Map<String, Object> tree;
        try {
            tree = JSON.readValue(bytes, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JacksonException e) {
            throw new ConfigException(location, "", null, "not well-formed JSON: "
                    + e.getOriginalMessage(), null);
        }
        return RolloutPlanFile.fromMap(tree, location, null);
    }

    /**
     * Fails when a rollout sets {@code plan-file} and a property the file replaces: which one
     * would win is not what the reader of either expects.
     *
     * @param keys the {@code router.rollouts.*} keys of the environment
     */
    static void checkNotMixed(Collection<String> keys) {
        Map<String, String> planFiles = new LinkedHashMap<>();
        for (String key : keys) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
            if (name.getNumberOfElements() >= 4 && name.getElement(3,
                    ConfigurationPropertyName.Form.UNIFORM).equals("planfile")) {
                planFiles.put(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL), key);
            }
        }
        for (String key : keys) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
            if (name.getNumberOfElements() < 4) {
                continue;
            }
            String rollout = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
            String uniform = name.getElement(3, ConfigurationPropertyName.Form.UNIFORM);
            boolean replaced = REPLACED.stream().anyMatch(r -> r.replace("-", "")
                    .equals(uniform));
            if (replaced && planFiles.containsKey(rollout)) {
                throw new RouterPropertyException(key, null, "cannot be set together with "
                        + planFiles.get(rollout) + ": the plan file says it", null);
            }
        }
    }
}
