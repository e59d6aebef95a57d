package dev.releaserouter.core.testing;

import dev.releaserouter.api.shadow.PairMasker;
import tools.jackson.databind.json.JsonMapper;

/** A masker that masks nothing: values as plain JSON, entity keys prefixed with {@code key:}. */
public final class JsonMasker implements PairMasker {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Override
    public String maskValue(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    @Override
    public String hashEntityKey(String entityKey) {
        return "key:" + entityKey;
    }
}
