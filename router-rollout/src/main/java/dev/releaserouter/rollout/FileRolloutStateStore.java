package dev.releaserouter.rollout;

import dev.releaserouter.api.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
 * ({@code rollout_decision.jsonl}), and the incident record of a rollback as
 * {@code incident-<model>-<candidate>.json} and {@code .md} ({@link #writeIncident}, replaced
 * atomically like the state).
 *
 * <p>Thread-safe within one JVM (methods are synchronized); do not share a directory between
 * processes that run the same model's rollout.
 */
public final class FileRolloutStateStore implements RolloutStateStore {

    /** The decision log's file name. */
    public static final String DECISIONS_FILE = "rollout_decision.jsonl";

    /** The largest state file {@link #load} reads: a state is a few hundred bytes. */
    public static final int MAX_STATE_BYTES = 1 << 20;

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

    /**
     * The incident record files of a model's candidate.
     *
     * @param model the model
     * @param candidate the candidate version
     * @param extension {@code json} or {@code md}
     * @return the path (names URL-encoded)
     */
    public Path incidentFile(String model, String candidate, String extension) {
        return directory.resolve("incident-" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                + "-" + URLEncoder.encode(candidate, StandardCharsets.UTF_8) + "." + extension);
    }

    /** @return the decision log's path */
    public Path decisionsFile() {
        return directory.resolve(DECISIONS_FILE);
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException (an IllegalArgumentException) naming the file, the JSON pointer
     *     and the bad value if the file is not a valid state: larger than
     *     {@value #MAX_STATE_BYTES} bytes, not UTF-8, not well-formed JSON, or a field missing
     *     or of the wrong type
     */
    @Override
    public synchronized Optional<RolloutState> load(String model) {
        Objects.requireNonNull(model, "model");
        Path file = stateFile(model);
        if (!Files.exists(file)) {
            if (!Files.isDirectory(directory)) {
                // Gone or replaced: "no rollout" would start a new one instead of resuming.
                throw new UncheckedIOException("cannot read rollout state " + file,
                        new java.io.IOException("the state directory " + directory
                                + " is not a directory"));
            }
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            if (size > MAX_STATE_BYTES) {
                throw new ConfigException(file.toString(), "", null, "a rollout state file is"
                        + " at most " + MAX_STATE_BYTES + " bytes, but this one has " + size,
                        null);
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                throw new ConfigException(file.toString(), "", null, "not UTF-8 text ("
                        + e + ")", null);
            }
            return Optional.of(RolloutJson.parseState(text, file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rollout state " + file, e);
        }
    }

    @Override
    public synchronized void save(RolloutState state) {
        replace(stateFile(state.model()), RolloutJson.state(state) + "\n", "rollout state");
    }

    /**
     * Writes {@code incident-<model>-<candidate>.json} and {@code .md}, each replaced
     * atomically.
     *
     * @param incident the record
     * @throws UncheckedIOException if a file cannot be written
     */
    @Override
    public synchronized void writeIncident(IncidentRecord incident) {
        replace(incidentFile(incident.model(), incident.candidate(), "json"),
                incident.toJson() + "\n", "incident record");
        replace(incidentFile(incident.model(), incident.candidate(), "md"),
                incident.toMarkdown(), "incident record");
    }

    /** Writes a temporary file, then moves it over the old one atomically. */
    private static void replace(Path file, String text, String what) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file, e);
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
