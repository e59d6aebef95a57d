/**
 * Annotations that integrations (such as the Spring Boot module) act on. This package has no
 * runtime dependency: the annotations only carry names and expressions.
 */
@NullMarked
package dev.releaserouter.api.annotation;

import org.jspecify.annotations.NullMarked;
