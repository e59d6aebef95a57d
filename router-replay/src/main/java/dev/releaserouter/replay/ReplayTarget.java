package dev.releaserouter.replay;

import tools.jackson.databind.JsonNode;

/**
 * A model version as the {@link Replayer} calls it: from a stored (masked) JSON input to a JSON
 * output. Stored inputs are JSON, so a target adapts them to the model's own types, e.g.
 *
 * <pre>{@code
 * public final class ChurnV3Target implements ReplayTarget {
 *     private final ChurnModel model = ChurnModel.load("v3");
 *
 *     public JsonNode apply(JsonNode input) {
 *         double score = model.score(input.get("tenure").asInt(), input.get("plan").asString());
 *         return JsonNodeFactory.instance.numberNode(score);
 *     }
 * }
 * }</pre>
 *
 * <p>The command line loads a target by class name, so it then needs a public no-argument
 * constructor. Implementations are called from one replay worker thread at a time, but not
 * always the same thread; a call that exceeds the replay timeout is interrupted and abandoned.
 */
@FunctionalInterface
public interface ReplayTarget {

    /**
     * Computes the output for one input.
     *
     * @param input the stored input; must not be modified
     * @return the output; a null, NaN or infinite number counts as an invalid output
     * @throws Exception anything the model throws; counted as an error of the target
     */
    JsonNode apply(JsonNode input) throws Exception;
}
