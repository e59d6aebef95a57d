package dev.releaserouter.spring;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.annotation.ShadowV2;
import java.lang.reflect.Method;

/**
 * Builds the {@link RouteRequest} for a call of a {@link ShadowV2} method. The auto-configured
 * one evaluates the annotation's {@code entityKey} and {@code tenant} expressions (SpEL); declare
 * a bean of this type to take over, for instance to add region, channel or data classes.
 *
 * <p>Called on the caller's thread of every annotated call: implementations must be thread-safe
 * and should be cheap.
 */
@FunctionalInterface
public interface RouteRequestResolver {

    /**
     * Builds the request.
     *
     * @param annotation the method's annotation; never null
     * @param method the annotated method (of the user class, not a proxy); never null
     * @param arguments the call's arguments (elements may be null); never null
     * @return the request, for the model {@code annotation.model()}; never null
     * @throws RuntimeException if no request can be built: the annotated method still runs and
     *     answers, the call is not shadowed, and the failure is logged
     */
    RouteRequest resolve(ShadowV2 annotation, Method method, Object[] arguments);
}
