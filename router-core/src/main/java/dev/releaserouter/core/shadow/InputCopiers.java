package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.InputCopier;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Built-in {@link InputCopier}s: deep copies through Jackson, for inputs a candidate might
 * mutate (trees, maps, mutable beans). Thread-safe.
 */
public final class InputCopiers {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private InputCopiers() {}

    /**
     * Deep copy of a Jackson tree.
     *
     * @return the copier
     */
    public static InputCopier<JsonNode> jsonTree() {
        return JsonNode::deepCopy;
    }

    /**
     * Deep copy of any Jackson-serializable type (maps, lists, beans, records) by converting it
     * to a tree and back.
     *
     * @param type the input type
     * @param <I> input type
     * @return the copier
     */
    public static <I> InputCopier<I> jackson(Class<I> type) {
        Objects.requireNonNull(type, "type");
        return input -> JSON.treeToValue(JSON.valueToTree(input), type);
    }
}
