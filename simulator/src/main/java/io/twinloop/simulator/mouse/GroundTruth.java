package io.twinloop.simulator.mouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a synthetic mouse really is, saved beside its recording so that a twin's fit can be checked against
 * the truth (receptive-field positions, tuning, gains).
 *
 * @param seed    the seed the population was drawn from
 * @param config  the mouse's configuration
 * @param neurons per unit, in the recording's unit order
 */
public record GroundTruth(long seed, MouseConfig config, List<NeuronTuning> neurons) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        JSON.writeValue(file.toFile(), this);
    }

    public static GroundTruth read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), GroundTruth.class);
    }
}
