package dev.releaserouter.core.rollout;

import dev.releaserouter.core.internal.rollout.RolloutJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link RolloutStateStore}: in one directory, a JSON state file per model
 * ({@code <model>.rollout.json}, replaced atomically: written to a temporary file, then moved
 * over the old one with {@code ATOMIC_MOVE}) and an append-only JSON-lines decision log
 * ({@code rollout_decision.jsonl}).
 *
 * <p>Thread-safe within one JVM (methods are synchronized); do not share a directory between
 * processes that run the same model's rollout.
 */
public final class FileRolloutStateStore implements RolloutStateStore {

    /** The decision log's file name. */
    public static final String DECISIONS_FILE = "rollout_decision.jsonl";

    private final Path directory;

    /**
     * A store in a directory, created if missing.
     *
     * @param directory the directory
     * @throws UncheckedIOException if the directory cannot be created
     */
    public FileRolloutStateStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create rollout state directory " + directory,
                    e);
        }
    }

    /** @return the directory */
    public Path directory() {
        return directory;
    }

    /**
     * The state file of a model.
     *
     * @param model the model
     * @return its path (the model name URL-encoded)
     */
    public Path stateFile(String model) {
        return directory.resolve(URLEncoder.encode(model, StandardCharsets.UTF_8)
                + ".rollout.json");
    }

    /** @return the decision log's path */
    public Path decisionsFile() {
        return directory.resolve(DECISIONS_FILE);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the file is not a valid state
     */
    @Override
    public synchronized Optional<RolloutState> load(String model) {
        Path file = stateFile(model);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RolloutJson.parseState(Files.readString(file), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rollout state " + file, e);
        }
    }

    @Override
    public synchronized void save(RolloutState state) {
        Path file = stateFile(state.model());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, RolloutJson.state(state) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rollout state " + file, e);
        }
    }

    @Override
    public synchronized void append(RolloutDecision decision) {
        try {
            Files.writeString(decisionsFile(), RolloutJson.decision(decision) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + decisionsFile(), e);
        }
    }
}
