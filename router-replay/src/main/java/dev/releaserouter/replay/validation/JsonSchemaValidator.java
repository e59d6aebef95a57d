package dev.releaserouter.replay.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PolicyViolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link OutputValidator} from JSON Schema (seed 001 §3.1, "Request/Response JSON Schema
 * válido; campos obrigatórios, tipos, ranges"), checked by networknt's json-schema-validator
 * (draft 2020-12 unless the schema's {@code $schema} names another draft):
 *
 * <ul>
 *   <li>the <b>contract</b> schema decides validity: an output it rejects is invalid
 *       ({@code INVALID_OUTPUT} on the shadow path, an invalid served output or a fallback on
 *       the primary path);
 *   <li>each named <b>policy</b> schema, with a severity, reports a
 *       {@link PolicyViolation} when the output does not satisfy it (seed 001 §4: guardrail
 *       incidents), whether or not the contract accepted it. The router counts them per arm
 *       ({@code policy_violations}, {@code critical_policy_violations}).
 * </ul>
 *
 * <pre>{@code
 * JsonSchemaValidator<ScoreResponse> contract = JsonSchemaValidator
 *         .<ScoreResponse>builder(Path.of("contracts/score-response.schema.json"))
 *         .policy("no_free_text_reason", PolicyViolation.Severity.CRITICAL,
 *                 "{\"properties\":{\"reason\":{\"enum\":[\"churn\",\"retained\"]}}}")
 *         .build();
 * ModelBinding.<Features, ScoreResponse>builder("churn")...validator(contract)
 * }</pre>
 *
 * <p>Outputs are converted to JSON with the builder's Jackson 3 mapper ({@code valueToTree});
 * a {@link JsonNode} output is used as it is, and a {@code String} output is parsed as JSON
 * text when {@link Builder#outputsAreJsonText()} is set. An output that cannot be converted is
 * invalid. The problem text names the location and the keyword only ({@code "schema: /score
 * maximum"}), never a value of the output.
 *
 * <p>Immutable and thread-safe (networknt's compiled schemas are); configuration errors fail
 * fast when the validator is built, naming the schema (file or policy) and the line and column.
 *
 * @param <O> output type
 */
public final class JsonSchemaValidator<O> implements OutputValidator<O> {

    private static final JsonMapper DEFAULT_MAPPER = JsonMapper.builder().build();

    private final Schema contract;
    private final List<Policy> policies;
    private final JsonMapper mapper;
    private final boolean jsonText;

    private JsonSchemaValidator(Builder<O> b) {
        SchemaRegistry registry =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        this.mapper = b.mapper;
        this.jsonText = b.jsonText;
        this.contract = compile(registry, b.contract, b.contractName);
        List<Policy> list = new ArrayList<>();
        for (Map.Entry<String, PendingPolicy> e : b.policies.entrySet()) {
            PendingPolicy p = e.getValue();
            list.add(new Policy(new PolicyViolation(e.getKey(), p.severity),
                    compile(registry, p.schema, "policy '" + e.getKey() + "'")));
        }
        this.policies = List.copyOf(list);
    }

    private static Schema compile(SchemaRegistry registry, String text, String name) {
        JsonNode node;
        try {
            node = DEFAULT_MAPPER.readTree(text);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            throw new IllegalArgumentException(name + " is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()), e);
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new IllegalArgumentException(name + " must be a JSON Schema (an object or a"
                    + " boolean), but was " + (node == null ? "empty" : node.getNodeType()));
        }
        try {
            return registry.getSchema(node);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " is not a usable JSON Schema: "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param contractSchema the contract, as JSON Schema text
     * @param <O> output type
     * @return a builder
     * @throws NullPointerException if contractSchema is null
     */
    public static <O> Builder<O> builder(String contractSchema) {
        return new Builder<>(Objects.requireNonNull(contractSchema, "contractSchema"),
                "contract schema");
    }

    /**
     * @param contractSchemaFile a file holding the contract, as JSON Schema (UTF-8)
     * @param <O> output type
     * @return a builder
     * @throws UncheckedIOException naming the file if it cannot be read
     * @throws NullPointerException if contractSchemaFile is null
     */
    public static <O> Builder<O> builder(Path contractSchemaFile) {
        Objects.requireNonNull(contractSchemaFile, "contractSchemaFile");
        try {
            return new Builder<>(Files.readString(contractSchemaFile, StandardCharsets.UTF_8),
                    "contract schema " + contractSchemaFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read contract schema " + contractSchemaFile,
                    e);
        }
    }

    /**
     * A validator with a contract and no policies.
     *
     * @param contractSchema the contract, as JSON Schema text
     * @param <O> output type
     * @return the validator
     * @throws IllegalArgumentException if the schema is not valid JSON or not a schema
     */
    public static <O> JsonSchemaValidator<O> of(String contractSchema) {
        return JsonSchemaValidator.<O>builder(contractSchema).build();
    }

    /**
     * @param output the output
     * @return null if the contract accepts it; else {@code "schema: <pointer> <keyword>"} of the
     *     first error, with {@code " (+n more)"} when there are more; or
     *     {@code "not convertible to JSON: <exception class>"}
     */
    @Override
    public @Nullable String problem(@Nullable O output) {
        JsonNode node;
        try {
            node = toJson(output);
        } catch (RuntimeException e) {
            return "not convertible to JSON: " + e.getClass().getName();
        }
        List<Error> errors = contract.validate(node);
        if (errors.isEmpty()) {
            return null;
        }
        Error first = errors.get(0);
        String where = first.getInstanceLocation().toString();
        return "schema: " + (where.isEmpty() ? "/" : where) + " " + first.getKeyword()
                + (errors.size() > 1 ? " (+" + (errors.size() - 1) + " more)" : "");
    }

    /**
     * @param output the output
     * @return a violation for each policy schema the output does not satisfy, in the order the
     *     policies were added; every policy is violated by an output that cannot be converted
     */
    @Override
    public List<PolicyViolation> violations(@Nullable O output) {
        if (policies.isEmpty()) {
            return List.of();
        }
        JsonNode node;
        try {
            node = toJson(output);
        } catch (RuntimeException e) {
            node = null;
        }
        List<PolicyViolation> found = null;
        for (Policy p : policies) {
            if (node == null || !p.schema.validate(node).isEmpty()) {
                if (found == null) {
                    found = new ArrayList<>(policies.size());
                }
                found.add(p.violation);
            }
        }
        return found == null ? List.of() : List.copyOf(found);
    }

    /** @return the named policies, in order, as the violations they report */
    public List<PolicyViolation> policies() {
        List<PolicyViolation> list = new ArrayList<>();
        policies.forEach(p -> list.add(p.violation));
        return List.copyOf(list);
    }

    private JsonNode toJson(@Nullable O output) {
        if (output instanceof JsonNode n) {
            return n;
        }
        if (jsonText && output instanceof String s) {
            return mapper.readTree(s);
        }
        return mapper.valueToTree(output);
    }

    private record Policy(PolicyViolation violation, Schema schema) {}

    private record PendingPolicy(PolicyViolation.Severity severity, String schema) {}

    /**
     * Builds a {@link JsonSchemaValidator}. Not thread-safe.
     *
     * @param <O> output type
     */
    public static final class Builder<O> {
        private final String contract;
        private final String contractName;
        private final Map<String, PendingPolicy> policies = new LinkedHashMap<>();
        private JsonMapper mapper = DEFAULT_MAPPER;
        private boolean jsonText;

        private Builder(String contract, String contractName) {
            this.contract = contract;
            this.contractName = contractName;
        }

        /**
         * Adds a named policy: an output that does not satisfy {@code schema} reports a
         * violation of {@code name} with {@code severity}.
         *
         * @param name the policy's name (a {@link PolicyViolation} label: lowercase letters,
         *     digits, {@code _ . -})
         * @param severity how bad a violation is
         * @param schema the policy, as JSON Schema text
         * @return this builder
         * @throws IllegalArgumentException if the name is not a valid label or is already used
         * @throws NullPointerException if an argument is null
         */
        public Builder<O> policy(String name, PolicyViolation.Severity severity, String schema) {
            new PolicyViolation(name, severity); // validates the name now
            Objects.requireNonNull(schema, "schema");
            if (policies.putIfAbsent(name, new PendingPolicy(severity, schema)) != null) {
                throw new IllegalArgumentException("policy '" + name + "' is already defined");
            }
            return this;
        }

        /**
         * @param mapper the Jackson 3 mapper that converts outputs to JSON (for types that
         *     need modules); default a plain {@code JsonMapper}
         * @return this builder
         */
        public Builder<O> mapper(JsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * String outputs are JSON text to parse, not JSON strings.
         *
         * @return this builder
         */
        public Builder<O> outputsAreJsonText() {
            this.jsonText = true;
            return this;
        }

        /**
         * @return the validator, with every schema compiled
         * @throws IllegalArgumentException naming the schema (the contract file, or the policy)
         *     and the line and column, if one is not valid JSON or not a usable JSON Schema
         */
        public JsonSchemaValidator<O> build() {
            return new JsonSchemaValidator<>(this);
        }
    }
}
