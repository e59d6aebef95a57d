/**
 * Runtime changes to a live router (weights, kill switches, lists, stages, budgets). Every change
 * names an actor and a reason and is written to the audit trail before it takes effect.
 */
@NullMarked
package dev.releaserouter.api.admin;

import org.jspecify.annotations.NullMarked;
