/**
 * Spring Boot Actuator support: the {@code router} endpoint and health indicator.
 */
@NullMarked
package dev.releaserouter.spring.actuate;

import org.jspecify.annotations.NullMarked;
