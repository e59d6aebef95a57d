package dev.releaserouter.core.testing;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;

/** A flag source whose changes the test pushes by hand, on the test's thread. */
public final class PushSource implements FlagSource {

    private final RouterConfig initial;
    private Listener listener;

    public PushSource(RouterConfig initial) {
        this.initial = initial;
    }

    @Override
    public String description() {
        return "test:push";
    }

    @Override
    public RouterConfig load() {
        return initial;
    }

    @Override
    public void watch(Listener l) {
        this.listener = l;
    }

    public void push(RouterConfig config) {
        listener.onChange(config);
    }

    public void fail(ConfigException e) {
        listener.onError(e);
    }
}
