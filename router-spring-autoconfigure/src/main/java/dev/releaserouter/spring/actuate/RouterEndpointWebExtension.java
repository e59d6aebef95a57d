package dev.releaserouter.spring.actuate;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;

/**
 * The HTTP side of the {@code router} endpoint's write operation: a change the endpoint refuses
 * ({@link RouterEndpointProblem}) is answered with its status (400, 404, 409 or 503) and an
 * RFC 9457 {@code application/problem+json} body that names the field and the values it
 * allows, rather than a bare 400 or a 500 whose reason is only in the server's log. Reads are
 * the endpoint's own.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
@EndpointWebExtension(endpoint = RouterEndpoint.class)
public class RouterEndpointWebExtension {

    /** The media type of RFC 9457 problem details. */
    public static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");

    private final RouterEndpoint endpoint;

    /**
     * Creates the extension.
     *
     * @param endpoint the endpoint it answers for
     * @throws NullPointerException if endpoint is null
     */
    public RouterEndpointWebExtension(RouterEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * {@code POST /actuator/router/{model}}: {@link RouterEndpoint#change}, answered over HTTP.
     *
     * @param model the model
     * @param action kill, unkill, weight, pause, resume or abort
     * @param actor who asks
     * @param reason why
     * @param version the version for kill/unkill (optional) and weight (required)
     * @param percent the weight in percent for weight
     * @param ticket an optional ticket id for the audit trail
     * @return 200 with the model's view after the change, or the problem's status with its
     *     {@code application/problem+json} body; never null
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(@Selector String model,
            @Nullable String action, @Nullable String actor, @Nullable String reason,
            @Nullable String version, @Nullable Double percent, @Nullable String ticket) {
        try {
            return new WebEndpointResponse<>(endpoint.change(model, action, actor, reason,
                    version, percent, ticket), WebEndpointResponse.STATUS_OK);
        } catch (RouterEndpointProblem p) {
            return new WebEndpointResponse<>(p.toProblem(), p.status(), PROBLEM_JSON);
        }
    }
}
