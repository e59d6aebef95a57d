package dev.releaserouter.spring;

import dev.releaserouter.core.shadow.InputCopiers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/**
 * The default copy of a {@code @ShadowV2} argument (seed 002 §1, "deep copy of state"): a deep
 * copy through Jackson ({@link InputCopiers#jackson}) by the argument's runtime class, except
 * for immutable JDK values, which are passed as they are.
 *
 * <p>Stateless and thread-safe.
 */
final class ShadowV2Copies {

    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class,
            Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class,
            Double.class, BigDecimal.class, BigInteger.class, UUID.class, Class.class);

    private ShadowV2Copies() {}

    /**
     * Copies one argument.
     *
     * @throws RuntimeException if Jackson cannot copy it (e.g. a type without properties)
     */
    @SuppressWarnings("unchecked")
    static Object deepCopy(Object value) {
        Class<?> type = value.getClass();
        if (isImmutable(type)) {
            return value;
        }
        return InputCopiers.jackson((Class<Object>) type).copy(value);
    }

    /** Whether values of the type cannot change, so a copy would be the same value. */
    static boolean isImmutable(Class<?> type) {
        return IMMUTABLE.contains(type) || type.isEnum() || Enum.class.isAssignableFrom(type)
                || type.getPackageName().equals("java.time");
    }
}
