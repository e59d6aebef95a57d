package docsnippets;

import dev.releaserouter.replay.ReplayTarget;
import tools.jackson.databind.JsonNode;

/** The reader's replay target of docs/shadow.md, for the snippets that use it. */
public final class ChurnV3Target implements ReplayTarget {

    @Override
    public JsonNode apply(JsonNode input) {
        return input;
    }
}
