/**
 * Spring Boot auto-configuration for Release Router: {@link
 * dev.releaserouter.spring.ReleaseRouterAutoConfiguration}, its {@link
 * dev.releaserouter.spring.RouterProperties} ({@code router.*}), customizer callbacks and the
 * failure analyzer for bad flag files and properties.
 */
@NullMarked
package dev.releaserouter.spring;

import org.jspecify.annotations.NullMarked;
