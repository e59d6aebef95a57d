package dev.releaserouter.spring;

import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The rollouts of {@code router.rollouts.<name>.*}: their {@link RolloutController}s, started
 * (with {@code Rollouts}) when this bean was created, ticked on a scheduler this bean owns while
 * the application context runs, and no longer ticked once it stops (the context closes).
 *
 * <p>Each controller is ticked every {@code router.rollouts.<name>.tick-interval} by
 * {@link RolloutController#schedule}, until its rollout is final. A tick never throws: a failed
 * one is a HOLD decision, counted by the controller ({@link RolloutController#tickFailures()},
 * {@link RolloutController#lastTickError()}) and shown by the {@code router} health indicator
 * and actuator endpoint; after the plan's {@code max-failed-ticks} in a row the controller fails
 * safe (the candidate is killed and set to 0%).
 *
 * <p>Design: thread-safe. The controllers are fixed at construction (an immutable map). Ticks
 * run on one daemon thread ({@value #THREAD_NAME}) of a scheduled executor created by
 * {@link #start()} and shut down by {@link #stop()}: one thread because ticks are short and the
 * controllers serialize their own work anyway (a slow tick, e.g. an external metric query,
 * delays the other rollouts' ticks by as much). {@code start} and {@code stop} are called by the
 * container on its lifecycle thread; they and {@link #isRunning()} synchronize on this object.
 * {@code stop} waits (at most {@value #STOP_WAIT_SECONDS} s) for a tick under way, so no tick
 * runs once the router bean is closed.
 */
public final class RouterRollouts implements SmartLifecycle {

    /** The name of the thread that ticks the rollouts. */
    public static final String THREAD_NAME = "release-router-rollouts";

    /** How long {@link #stop()} waits for a tick under way. */
    static final long STOP_WAIT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(RouterRollouts.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Map<String, RolloutController> controllers;
    private final Map<String, Duration> tickIntervals;
    private final List<RolloutSchedule> schedules = new ArrayList<>();
    private @Nullable ScheduledExecutorService executor;
    private boolean running;

    /**
     * Created by the auto-configuration from {@code router.rollouts.*}.
     *
     * @param controllers the started controllers by rollout name, in configuration order
     * @param tickIntervals the tick interval of each rollout, by name
     */
    RouterRollouts(Map<String, RolloutController> controllers,
            Map<String, Duration> tickIntervals) {
        this.controllers = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(controllers));
        this.tickIntervals = Map.copyOf(tickIntervals);
    }

    /**
     * The rollouts' controllers.
     *
     * @return the controllers by rollout name (the {@code <name>} of
     *     {@code router.rollouts.<name>}), in configuration order; unmodifiable, never null
     */
    public Map<String, RolloutController> controllers() {
        return controllers;
    }

    /**
     * One rollout's controller.
     *
     * @param name the rollout's name, as in {@code router.rollouts.<name>}
     * @return its controller, or empty if there is no such rollout (or it is not enabled)
     * @throws NullPointerException if name is null
     */
    public Optional<RolloutController> controller(String name) {
        return Optional.ofNullable(controllers.get(Objects.requireNonNull(name, "name")));
    }

    /**
     * Starts ticking every rollout on this bean's scheduler thread; called by the container once
     * every singleton is created. Does nothing if already running.
     *
     * @throws java.util.concurrent.RejectedExecutionException never in practice (the executor is
     *     new)
     */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        if (controllers.isEmpty()) {
            return; // no thread for nothing
        }
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME + "-" + INSTANCES.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor = ex;
        controllers.forEach((name, c) -> {
            if (c.status().isFinal()) {
                LOG.info("Release Router: rollout '{}' of {} {} is already {}; not ticked", name,
                        c.plan().model(), c.plan().candidateVersion(), c.status());
                return;
            }
            schedules.add(c.schedule(ex, tickIntervals.get(name)));
            LOG.info("Release Router: rollout '{}' of {} {} ticks every {} (status {}, stage {}"
                    + " of {})", name, c.plan().model(), c.plan().candidateVersion(),
                    tickIntervals.get(name), c.status(), c.state().stageIndex() + 1,
                    c.plan().stages().size());
        });
    }

    /**
     * Stops the ticks: no new tick starts, and a tick under way is awaited (at most
     * {@value #STOP_WAIT_SECONDS} seconds, then interrupted). The controllers keep their state;
     * nothing in the router is changed. Called by the container when the context closes, before
     * the router is closed.
     */
    @Override
    public synchronized void stop() {
        running = false;
        ScheduledExecutorService ex = executor;
        if (ex == null) {
            return;
        }
        schedules.forEach(RolloutSchedule::cancel);
        schedules.clear();
        ex.shutdown();
        try {
            if (!ex.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Release Router: a rollout tick did not finish within {} s of the"
                        + " context closing; interrupting it", STOP_WAIT_SECONDS);
                ex.shutdownNow();
            }
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    /**
     * Whether the rollouts are being ticked.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** The scheduler, for tests: null unless running with rollouts to tick. */
    synchronized @Nullable ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public String toString() {
        return "RouterRollouts" + controllers.keySet();
    }
}
