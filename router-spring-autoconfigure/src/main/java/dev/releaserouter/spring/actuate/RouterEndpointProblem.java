package dev.releaserouter.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change the {@code router} endpoint refused, with what an RFC 9457 problem body needs: the
 * HTTP status, the field at fault and the values it allows. Over HTTP it is answered as
 * {@code application/problem+json} ({@link #toProblem()}); through JMX or a direct call it is
 * thrown as it is.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterEndpointProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A request field is missing or has a value the endpoint does not accept. */
    public static final int BAD_REQUEST = 400;
    /** The model does not exist. */
    public static final int NOT_FOUND = 404;
    /** The router's state forbids the change (no rollout, wrong rollout state, invalid result). */
    public static final int CONFLICT = 409;
    /** The change could not be audited, so it was not made. */
    public static final int SERVICE_UNAVAILABLE = 503;

    private final int status;
    private final @Nullable String field;
    private final List<String> allowed;

    /**
     * Creates the problem.
     *
     * @param status the HTTP status: {@link #BAD_REQUEST}, {@link #NOT_FOUND},
     *     {@link #CONFLICT} or {@link #SERVICE_UNAVAILABLE}
     * @param field the request field at fault, or null when no single field is
     * @param allowed the values or the range the field allows (empty if none applies)
     * @param detail what is wrong and what to do, as a sentence
     * @param cause the router's exception, or null
     * @throws NullPointerException if allowed or detail is null
     */
    public RouterEndpointProblem(int status, @Nullable String field, List<String> allowed,
            String detail, @Nullable Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        this.status = status;
        this.field = field;
        this.allowed = List.copyOf(allowed);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the request field at fault, or null */
    public @Nullable String field() {
        return field;
    }

    /** @return the values or the range the field allows; empty when none applies */
    public List<String> allowed() {
        return allowed;
    }

    /**
     * The RFC 9457 problem body: {@code type} ({@code about:blank}), {@code title} (the
     * status's reason phrase), {@code status}, {@code detail}, and the extension members
     * {@code field} and {@code allowed} when they apply.
     *
     * @return a new JSON-friendly map; never null
     */
    public Map<String, Object> toProblem() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", getMessage());
        if (field != null) {
            body.put("field", field);
        }
        if (!allowed.isEmpty()) {
            body.put("allowed", allowed);
        }
        return body;
    }

    private static String title(int status) {
        return switch (status) {
            case BAD_REQUEST -> "Bad Request";
            case NOT_FOUND -> "Not Found";
            case CONFLICT -> "Conflict";
            case SERVICE_UNAVAILABLE -> "Service Unavailable";
            default -> "Error";
        };
    }
}
