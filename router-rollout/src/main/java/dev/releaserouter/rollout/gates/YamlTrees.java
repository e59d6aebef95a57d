package dev.releaserouter.rollout.gates;

import dev.releaserouter.api.config.ConfigException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads YAML policy files into the same tree the JSON parser validates. YAML support is an
 * optional dependency: this class is only loaded when a YAML file is parsed, and a missing
 * {@code jackson-dataformat-yaml} becomes a {@link ConfigException} that says what to add.
 *
 * <p>Stateless; thread-safe.
 */
final class YamlTrees {

    private YamlTrees() {}

    /**
     * @param source names the file in errors
     * @param text the YAML text
     * @return the document's tree, or null for an empty document
     * @throws ConfigException if YAML support is not on the classpath
     * @throws tools.jackson.core.JacksonException if the text is not well-formed YAML
     */
    static JsonNode read(String source, String text) {
        try {
            return Holder.MAPPER.readTree(text);
        } catch (NoClassDefFoundError e) {
            throw new ConfigException(source, "", null, "YAML policy files need "
                    + "tools.jackson.dataformat:jackson-dataformat-yaml on the classpath "
                    + "(or write the policy in JSON)", null);
        }
    }

    /** Initialised on first use, so a JSON-only application never loads the YAML classes. */
    private static final class Holder {
        static final YAMLMapper MAPPER = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
