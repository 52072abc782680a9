package io.twinloop.inference.torchscript;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service needs and a TorchScript module cannot say, in a JSON file beside it ({@code NAME.json}
 * for {@code NAME.pt}): the frame rate the twin was trained at, the id of each unit, the statistics the
 * behaviour inputs were standardised with, and an optional probe step (inputs of one frame from
 * {@code initial_state(1)} and its expected rates) that checks the numerics where the file is served.
 * A separate file rather than the module's extra files, so a lab can read and edit it without torch.
 *
 * @param frameRateHz  frames per second of the twin's training data; null when not stated
 * @param unitIds      one id per unit, in the order of the rates
 * @param statistics   mean and standard deviation of the raw behaviour inputs; null when not stated
 * @param probe        one step to reproduce at load time; null for none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TwinMetadata(
        @JsonProperty("contract_version") int contractVersion,
        @JsonProperty("description") String description,
        @JsonProperty("frame_rate_hz") Double frameRateHz,
        @JsonProperty("unit_ids") List<String> unitIds,
        @JsonProperty("statistics") Statistics statistics,
        @JsonProperty("probe") Probe probe) {

    /** Behaviour statistics: the service standardises raw values as (x - mean) / std before the twin sees them. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Statistics(
            @JsonProperty("perspective_mean") float[] perspectiveMean,
            @JsonProperty("perspective_std") float[] perspectiveStd,
            @JsonProperty("modulation_mean") float[] modulationMean,
            @JsonProperty("modulation_std") float[] modulationStd) {
    }

    /**
     * One step from {@code initial_state(1)}: frame [height x width] in [0, 1], perspective [2],
     * modulation [2], and the rates [units] it must give within {@code tolerance} (absolute, or relative
     * to the rate where rates exceed 1).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Probe(
            @JsonProperty("frame") float[] frame,
            @JsonProperty("perspective") float[] perspective,
            @JsonProperty("modulation") float[] modulation,
            @JsonProperty("rates") float[] rates,
            @JsonProperty("tolerance") double tolerance) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** The metadata file of a module: {@code NAME.json} beside {@code NAME.pt} (or beside any other name). */
    public static Path besides(Path module) {
        String name = module.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return module.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** Defaults for a module without a metadata file: units named by index, nothing else stated. */
    public static TwinMetadata defaults(int units) {
        List<String> ids = new ArrayList<>(units);
        for (int i = 0; i < units; i++) {
            ids.add(Integer.toString(i));
        }
        return new TwinMetadata(TorchScriptTwin.CONTRACT_VERSION, null, null, ids, null, null);
    }

    /** @throws TwinContractException for a file that cannot be read or parsed */
    public static TwinMetadata read(Path file) {
        try {
            return JSON.readValue(Files.readAllBytes(file), TwinMetadata.class);
        } catch (IOException e) {
            throw new TwinContractException(file + ": unreadable twin metadata: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * Checks the metadata against the module it describes.
     *
     * @throws TwinContractException naming the first problem
     */
    void validate(Path file, int units, int height, int width) {
        if (contractVersion != TorchScriptTwin.CONTRACT_VERSION) {
            throw new TwinContractException(file + ": contract_version " + contractVersion + ", expected "
                    + TorchScriptTwin.CONTRACT_VERSION);
        }
        if (frameRateHz != null && !(frameRateHz > 0)) {
            throw new TwinContractException(file + ": frame_rate_hz must be positive, not " + frameRateHz);
        }
        if (unitIds == null || unitIds.size() != units) {
            throw new TwinContractException(file + ": unit_ids names " + (unitIds == null ? 0 : unitIds.size())
                    + " units, the module has " + units);
        }
        if (statistics != null) {
            requireLength(file, "statistics.perspective_mean", statistics.perspectiveMean(), 2);
            requireLength(file, "statistics.perspective_std", statistics.perspectiveStd(), 2);
            requireLength(file, "statistics.modulation_mean", statistics.modulationMean(), 2);
            requireLength(file, "statistics.modulation_std", statistics.modulationStd(), 2);
        }
        if (probe != null) {
            requireLength(file, "probe.frame", probe.frame(), height * width);
            requireLength(file, "probe.perspective", probe.perspective(), 2);
            requireLength(file, "probe.modulation", probe.modulation(), 2);
            requireLength(file, "probe.rates", probe.rates(), units);
            if (!(probe.tolerance() > 0)) {
                throw new TwinContractException(file + ": probe.tolerance must be positive");
            }
        }
    }

    private static void requireLength(Path file, String field, float[] values, int length) {
        if (values == null || values.length != length) {
            throw new TwinContractException(file + ": " + field + " must hold " + length + " numbers, not "
                    + (values == null ? "none" : values.length));
        }
    }
}
