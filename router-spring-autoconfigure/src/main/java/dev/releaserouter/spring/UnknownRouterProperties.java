package dev.releaserouter.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds {@code router.*} keys of the application's configuration that are not Release Router
 * properties (a misspelled {@code router.shadow.thread} would otherwise be silently ignored) and,
 * per {@code router.unknown-properties}, warns naming the near matches ({@code warn}, the
 * default), fails startup ({@code fail}) or says nothing ({@code ignore}).
 *
 * <p>The known names are those of the configuration metadata the build generates into
 * {@code META-INF/spring-configuration-metadata.json}. Operating-system environment variables are
 * not checked: they are one namespace shared with everything else on the host (the README's
 * {@code ROUTER_HASH_SECRET}, read with {@code System.getenv}, is one).
 *
 * <p>Runs once, on the startup thread; stateless.
 */
final class UnknownRouterProperties {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownRouterProperties.class);
    private static final ConfigurationPropertyName ROUTER = ConfigurationPropertyName.of("router");
    private static final ConfigurationPropertyName ROLLOUTS =
            ConfigurationPropertyName.of(PropertyRollouts.PREFIX);
    static final String MODE_PROPERTY = "router.unknown-properties";
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";

    private UnknownRouterProperties() {}

    /**
     * Checks the environment.
     *
     * @throws RouterPropertyException for the first unknown key in {@code fail} mode, or for a
     *     mode that is not warn, fail or ignore
     */
    static void check(Environment environment, String mode, ClassLoader loader) {
        String m = mode.strip().toLowerCase(Locale.ROOT);
        if (!m.equals("warn") && !m.equals("fail") && !m.equals("ignore")) {
            throw new RouterPropertyException(MODE_PROPERTY, "'" + mode + "'",
                    "must be warn, fail or ignore", null);
        }
        if (m.equals("ignore") || !(environment instanceof ConfigurableEnvironment env)) {
            return;
        }
        Set<String> known = knownNames(loader);
        if (known.isEmpty()) {
            LOG.debug("no configuration metadata for router.* found; unknown keys not checked");
            return;
        }
        Map<String, String> unknown = unknownKeys(env, known);
        for (Map.Entry<String, String> e : unknown.entrySet()) {
            List<String> near = NearMatches.of(e.getKey(), known);
            String hint = near.isEmpty()
                    ? "the Release Router properties are listed in docs/spring.md"
                    : "did you mean " + String.join(" or ", near.stream()
                            .map(n -> "'" + n + "'").toList()) + "?";
            if (m.equals("fail")) {
                throw new RouterPropertyException(e.getKey(), null, "is not a Release Router"
                        + " property (set in " + e.getValue() + "); " + hint
                        + " Set " + MODE_PROPERTY + "=warn to only warn", null);
            }
            LOG.warn("'{}' (set in {}) is not a Release Router property and is ignored; {}"
                    + " Set {}=fail to refuse unknown keys, =ignore to silence this.",
                    e.getKey(), e.getValue(), hint, MODE_PROPERTY);
        }
    }

    /** The unknown {@code router.*} keys, with the name of the property source of each. */
    static Map<String, String> unknownKeys(ConfigurableEnvironment env, Set<String> known) {
        Map<String, String> unknown = new LinkedHashMap<>();
        keysBelow(env, ROUTER).forEach((name, origin) -> {
            // router.rollouts.<name>.* are checked, strictly, by PropertyRollouts.
            if (!ROLLOUTS.isAncestorOf(ConfigurationPropertyName.of(name))
                    && !isKnown(name, known)) {
                unknown.put(name, origin);
            }
        });
        return unknown;
    }

    /**
     * Every key below {@code ancestor} in the environment (operating-system environment
     * variables left out), with the name of the property source of each.
     */
    static Map<String, String> keysBelow(ConfigurableEnvironment env,
            ConfigurationPropertyName ancestor) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            Object underlying = source.getUnderlyingSource();
            if (underlying instanceof PropertySource<?> ps && ps.getName().equals(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
                continue;
            }
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            String origin = underlying instanceof PropertySource<?> ps ? ps.getName()
                    : String.valueOf(underlying);
            iterable.stream().filter(ancestor::isAncestorOf).map(Object::toString)
                    .forEach(name -> keys.putIfAbsent(name, origin));
        }
        return keys;
    }

    private static boolean isKnown(String name, Set<String> known) {
        if (known.contains(name)) {
            return true;
        }
        // Lists and maps: router.metrics.allowed-tenants[0], a map key below a known name.
        for (String k : known) {
            if (name.startsWith(k + "[") || name.startsWith(k + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The {@code router.*} property names of the configuration metadata on the class path. */
    static Set<String> knownNames(ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            Enumeration<URL> urls = loader.getResources(METADATA);
            while (urls.hasMoreElements()) {
                try (InputStream in = urls.nextElement().openStream()) {
                    JsonNode properties = json.readTree(in).path("properties");
                    for (JsonNode p : properties) {
                        String name = p.path("name").asString("");
                        if (name.startsWith("router.")) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Never fail startup over the check itself: check what was read.
            LOG.debug("cannot read {}: {}", METADATA, e.toString());
        }
        return names;
    }
}
