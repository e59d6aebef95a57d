package dev.releaserouter.spring;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.annotation.ShadowV2;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The default {@link RouteRequestResolver}: the entity key is the annotation's {@code entityKey}
 * SpEL expression (or {@code String.valueOf} of the first argument), the tenant its
 * {@code tenant} expression; arguments are {@code #p0}/{@code #a0} or, with {@code -parameters},
 * their names.
 *
 * <p>Thread-safe: parsed expressions are cached in a concurrent map; an evaluation context is
 * made per call.
 */
final class SpelRouteRequestResolver implements RouteRequestResolver {

    private static final ExpressionParser PARSER = new SpelExpressionParser();
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final ConcurrentMap<String, Expression> expressions = new ConcurrentHashMap<>();

    /** Creates the resolver. */
    public SpelRouteRequestResolver() {
    }

    /**
     * Parses an expression, to check its syntax at startup.
     *
     * @param expression the SpEL text
     * @throws org.springframework.expression.ParseException if it is not valid SpEL
     */
    public static void check(String expression) {
        PARSER.parseExpression(expression);
    }

    @Override
    public RouteRequest resolve(ShadowV2 annotation, Method method, Object[] arguments) {
        MethodBasedEvaluationContext context = null;
        String key;
        if (annotation.entityKey().isEmpty()) {
            if (arguments.length == 0) {
                throw new IllegalArgumentException("@ShadowV2 method " + method.getName()
                        + " has no argument to take the entity key from");
            }
            key = String.valueOf(arguments[0]);
        } else {
            context = new MethodBasedEvaluationContext(null, method, arguments, NAMES);
            key = evaluate(annotation.entityKey(), context);
            if (key == null) {
                throw new IllegalArgumentException("entityKey expression '"
                        + annotation.entityKey() + "' evaluated to null");
            }
        }
        RouteRequest.Builder b = RouteRequest.builder(annotation.model(), key);
        if (!annotation.tenant().isEmpty()) {
            if (context == null) {
                context = new MethodBasedEvaluationContext(null, method, arguments, NAMES);
            }
            b.tenant(evaluate(annotation.tenant(), context));
        }
        return b.build();
    }

    private @Nullable String evaluate(String text, MethodBasedEvaluationContext context) {
        Object v = expressions.computeIfAbsent(text, PARSER::parseExpression).getValue(context);
        return v == null ? null : v.toString();
    }
}
