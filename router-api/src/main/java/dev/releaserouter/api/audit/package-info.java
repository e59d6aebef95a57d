/** The audit trail: what every change looks like, and the sink SPI that stores it. */
@NullMarked
package dev.releaserouter.api.audit;

import org.jspecify.annotations.NullMarked;
